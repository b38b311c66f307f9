package billing

import (
	"strings"
	"time"
)

// jst is Japan Standard Time. Japan has had no daylight saving time since
// 1951, so a fixed zone is exact and needs no tzdata on the desktop.
var jst = time.FixedZone("JST", 9*60*60)

// CalendarZone is where the calendar dates of an invoice in language
// (issued, due, paid) are taken: Asia/Tokyo for Japanese invoices, UTC
// for others. The date on the document is the invoice's date wherever it
// is looked at, whatever the viewer's time zone.
func CalendarZone(language string) *time.Location {
	l := strings.ToLower(strings.TrimSpace(language))
	if l == "ja" || strings.HasPrefix(l, "ja-") || strings.HasPrefix(l, "ja_") {
		return jst
	}
	return time.UTC
}
