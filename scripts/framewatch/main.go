// Command framewatch prints, for scripts/smoke.sh, when each top-level window
// on $DISPLAY is mapped and when it is drawn to: "SECONDS map WINDOW" and
// "SECONDS frame WINDOW", the seconds as bash's $EPOCHREALTIME writes them.
//
// A window that is mapped is not yet seen: under Xvfb, Mesa's llvmpipe
// compiles its shaders and copies the first frame into the window 40 ms or
// more later. The X Damage extension reports that copy, so a "frame" line
// is the moment something new is on screen. It ends with the X server.
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xproto"
)

func main() {
	if err := watch(); err != nil {
		fmt.Fprintln(os.Stderr, "framewatch:", err)
		os.Exit(1)
	}
}

func watch() error {
	// xgb logs that there is no ~/.Xauthority (Xvfb needs none) and that
	// the connection ended when the X server stops: neither is news here.
	xgb.Logger = log.New(io.Discard, "", 0)
	x, err := xgb.NewConn()
	if err != nil {
		return fmt.Errorf("connecting to the X server: %w", err)
	}
	defer x.Close()
	if err := damage.Init(x); err != nil {
		return fmt.Errorf("the X server has no Damage extension: %w", err)
	}
	if _, err := damage.QueryVersion(x, 1, 1).Reply(); err != nil {
		return fmt.Errorf("asking for the Damage version: %w", err)
	}
	root := xproto.Setup(x).DefaultScreen(x).Root
	if err := xproto.ChangeWindowAttributesChecked(x, root, xproto.CwEventMask,
		[]uint32{xproto.EventMaskSubstructureNotify}).Check(); err != nil {
		return fmt.Errorf("watching the root window: %w", err)
	}
	fmt.Println("ready")
	for {
		ev, err := x.WaitForEvent()
		if ev == nil && err == nil {
			return nil // the X server is gone
		}
		if err != nil {
			continue // an error reply to a request, such as a window that went away
		}
		now := time.Now()
		switch e := ev.(type) {
		case xproto.CreateNotifyEvent:
			// Watched from its creation, so that no frame before its map is missed.
			id, err := damage.NewDamageId(x)
			if err != nil {
				return fmt.Errorf("damage id: %w", err)
			}
			damage.Create(x, id, xproto.Drawable(e.Window), damage.ReportLevelNonEmpty)
		case xproto.MapNotifyEvent:
			fmt.Printf("%s map %d\n", stamp(now), e.Window)
		case damage.NotifyEvent:
			fmt.Printf("%s frame %d\n", stamp(now), e.Drawable)
			// Empty the damage again, so that the next drawing reports too.
			damage.Subtract(x, e.Damage, 0, 0)
		}
	}
}

// stamp writes t as $EPOCHREALTIME does: seconds, a dot and microseconds.
func stamp(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}
