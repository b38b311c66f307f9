package ui

import (
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// staffShell is an account manager's main window: Customers, Bank
// statements, the Archive of chosen customers, and Settings. Staff have no
// account of their own: no credit, no events.
type staffShell struct {
	*frame
	customers  *customersScreen
	statements *later[*statementsScreen]
	archive    *later[*archiveScreen] // nil without an archive
	settings   *later[*settingsScreen]
}

func newStaffShell(d Deps) *staffShell {
	f := newFrame(d)
	s := &staffShell{frame: f}
	s.customers = newCustomersScreen(f.env, d.Staff)
	s.settings = newLater(func() *settingsScreen { return newSettingsScreen(f.env, d.Accounts) })
	s.statements = newLater(func() *statementsScreen { return newStatementsScreen(f.env, d.Staff) })
	sections := []section{{lang.L("Customers"), theme.AccountIcon(), s.customers},
		{lang.L("Bank statements"), theme.FileTextIcon(), s.statements}}
	if d.Archive != nil {
		s.archive = f.archiveSection(func() *archiveScreen {
			return newArchiveScreen(f.env, d.Archive, newChosenCustomers(f.env, d.Staff))
		})
		sections = append(sections, section{lang.L("Archive"), theme.StorageIcon(), s.archive})
	}
	sections = append(sections, section{lang.L("Settings"), theme.SettingsIcon(), s.settings})
	role := canvas.NewText(lang.L("Staff"), theme.Color(theme.ColorNameForeground))
	role.TextSize = theme.TextSize() * 1.8
	role.TextStyle.Bold = true
	f.build(container.NewHBox(container.NewCenter(role)), sections)
	s.setMenus(s.fileMenu(),
		menu{name: lang.L("View"), commands: append(s.sectionCommands(0, 1), nil,
			&command{name: lang.L("Find a customer"), key: keyFind, run: func() { s.showSection(0) }},
			&command{name: lang.L("Refresh"), key: keyRefresh, run: s.onRefresh})})
	return s
}

// onRefresh searches the customers again, or brings the shown section
// up to date.
func (s *staffShell) onRefresh() {
	if s.shown == screen(s.customers) {
		s.customers.find()
		return
	}
	s.shown.refresh()
}
