package ui

import "slices"

// signal is a typed change notification. The account state emits one per
// change; every screen that shows the data has subscribed and follows.
// Both happen on the UI goroutine, so nothing locks.
type signal[T any] struct {
	subs []*func(T)
}

// subscribe calls f with every change until the returned function is
// called (a screen that closes unsubscribes).
func (s *signal[T]) subscribe(f func(T)) (unsubscribe func()) {
	p := &f
	s.subs = append(s.subs, p)
	return func() { s.subs = slices.DeleteFunc(s.subs, func(q *func(T)) bool { return q == p }) }
}

// emit tells every subscriber. A subscriber may unsubscribe itself or
// another while being told; one unsubscribed is not told.
func (s *signal[T]) emit(v T) {
	for _, f := range slices.Clone(s.subs) {
		if slices.Contains(s.subs, f) { // not unsubscribed by an earlier one
			(*f)(v)
		}
	}
}
