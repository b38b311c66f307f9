package billing

import (
	"testing"
	"time"
)

// 2026-12-05 20:00 UTC is already 6 December in Tokyo.
func TestCalendarZone(t *testing.T) {
	at := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	for language, day := range map[string]int{"ja": 6, "ja-JP": 6, " JA_jp": 6, "en": 5, "": 5, "jav": 5} {
		if got := at.In(CalendarZone(language)).Day(); got != day {
			t.Errorf("%q: day %d, want %d", language, got, day)
		}
	}
}
