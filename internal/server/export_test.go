package server

import "context"

// RetryCallbacks runs one pass of the sandbox callback retrier now, so tests
// need not wait for its ticker.
func (s *Server) RetryCallbacks(ctx context.Context) error { return s.rules.RetryOwedCallbacks(ctx) }
