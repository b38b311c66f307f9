package secrets

import (
	"context"
	"sync"
)

// Memory is a Store that forgets everything when the process ends: the
// fallback while the keyring is unavailable, and a fake for UI tests.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{m: map[string]string{}} }

// Get implements Store.
func (m *Memory) Get(_ context.Context, profileID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[profileID]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, profileID, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[profileID] = secret
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, profileID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, profileID)
	return nil
}
