package ui

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"billfold/billing"
)

// The one way the app writes dates and times, in the UI's language
// ("5 Dec 2026", "2026年12月5日"): lists, the invoice screen, payment
// attempts, the archive and the ledger all go through these.

// dateLayout is the UI language's layout of a day. A list formatting
// thousands of dates looks it up once (a translation lookup costs more
// than the formatting).
func dateLayout() string { return lang.X("date-format", "2006-01-02") }

// fmtDate is the day of a moment (a payment, a ledger entry) where the
// user is.
func fmtDate(t time.Time) string {
	return t.Local().Format(dateLayout())
}

// fmtInvoiceDate is a calendar date of an invoice in language (issued,
// due, paid): the day printed on the document, as the PDF and the archive
// have it, wherever the user is.
func fmtInvoiceDate(t time.Time, language string) string {
	return fmtInvoiceDateAs(dateLayout(), t, language)
}

// fmtInvoiceDateAs is fmtInvoiceDate with the layout looked up already.
func fmtInvoiceDateAs(layout string, t time.Time, language string) string {
	return t.In(billing.CalendarZone(language)).Format(layout)
}

// fmtDateTime is a day and the time of day.
func fmtDateTime(t time.Time) string {
	return fmtDate(t) + " " + fmtTime(t)
}

// fmtUntil is when a wait that began at now ends: the time to the second
// later today, with its date on another day (a wait of hours read as a
// time later today).
func fmtUntil(now, end time.Time) string {
	if end.Local().Format(time.DateOnly) == now.Local().Format(time.DateOnly) {
		return end.Local().Format("15:04:05")
	}
	return fmtDateTime(end)
}

// fmtTime is the time of day.
func fmtTime(t time.Time) string {
	return t.Local().Format("15:04")
}

// fmtPeriod is a bank statement's period, from and to as fmtDay writes
// them.
func fmtPeriod(from, to string) string { return fmtDay(from) + " – " + fmtDay(to) }

// fmtDay writes a calendar day kept as text (2026-12-05, as the archive
// index has it) like fmtDate; text that is not such a day stays as it is.
func fmtDay(day string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, time.Local)
	if err != nil {
		return day
	}
	return fmtDate(t)
}
