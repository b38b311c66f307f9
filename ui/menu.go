package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// command is one thing the window offers by name: an item of the main
// menu, with its shortcut. A main-menu shortcut works wherever the focus
// is, an entry included: the window offers it to the menu first.
type command struct {
	name    string
	key     *desktop.CustomShortcut // nil: none
	run     func()
	enabled func() bool // nil: always; else the item greys out when false
	// quit marks Quit: the platform puts it where Quit goes, and it runs
	// while a dialog is open too; other commands wait, so that no shortcut
	// changes the screen behind a question.
	quit bool
	item *fyne.MenuItem
}

// menu is one menu of the main menu; a nil command is a separator.
type menu struct {
	name     string
	commands []*command
}

// setMenus gives the window its main menu. The shells list their menus;
// a new menu or item is one more entry in that list.
func (f *frame) setMenus(menus ...menu) {
	f.commands = nil
	var items []*fyne.Menu
	for _, m := range menus {
		var mi []*fyne.MenuItem
		for _, c := range m.commands {
			if c == nil {
				mi = append(mi, fyne.NewMenuItemSeparator())
				continue
			}
			c.item = fyne.NewMenuItem(c.name, f.runner(c))
			c.item.IsQuit = c.quit
			if c.key != nil {
				c.item.Shortcut = c.key
			}
			f.commands = append(f.commands, c)
			mi = append(mi, c.item)
		}
		items = append(items, fyne.NewMenu(m.name, mi...))
	}
	f.mainMenu = fyne.NewMainMenu(items...)
	f.updateMenu()
	f.win.SetMainMenu(f.mainMenu)
}

// runner is what a menu item does: the command, when it applies now. The
// menu checks neither (a shortcut runs a greyed item too), so it is
// checked here.
func (f *frame) runner(c *command) func() {
	return func() {
		if !c.quit && f.win.Canvas().Overlays().Top() != nil {
			return
		}
		if c.enabled != nil && !c.enabled() {
			return
		}
		c.run()
	}
}

// updateMenu greys out the commands that do not apply now; the screens
// call it (through env.menuChanged) when that may have changed.
func (f *frame) updateMenu() {
	changed := false
	for _, c := range f.commands {
		if c.enabled == nil {
			continue
		}
		if off := !c.enabled(); off != c.item.Disabled {
			c.item.Disabled = off
			changed = true
		}
	}
	if changed && f.mainMenu != nil {
		f.mainMenu.Refresh()
	}
}
