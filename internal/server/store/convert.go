package store

import (
	"database/sql"
	"time"
)

// Times are stored as Unix microseconds; ids that may be absent as NULL.

// Time is t as the store keeps it: UTC, in whole microseconds. A value
// built in memory and answered without reading it back uses it, so that it
// equals what a later read returns.
func Time(t time.Time) time.Time { return fromMicro(micro(t)) }

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullMicro(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicro(v.Int64)
	return &t
}

func nullMicro(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micro(*t)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
