package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Notifications: a transaction publishes that something changed (a
// customer's events, a session's end), and after its commit every process
// serving the database hears it: this one directly, the others (replicas
// sharing a PostgreSQL database) through NOTIFY and LISTEN. Waking
// streams and evicting cached tokens ride on them.

// Topics of notifications, with what their payload names.
const (
	// TopicEvents: a customer id whose stream has new events.
	TopicEvents = "events"
	// TopicSessions: "session ID" or "family ID", a session or a family
	// of sessions that ended.
	TopicSessions = "sessions"
)

var topics = []string{TopicEvents, TopicSessions}

type notice struct{ topic, payload string }

type notices struct {
	mu   sync.RWMutex
	subs map[string][]func(payload string)
	// replica tells this process's notifications from the others' (it
	// hears its own through LISTEN too).
	replica string
	// channels are the NOTIFY channel of each topic, and back.
	channels map[string]string
	topicOf  map[string]string
	cancel   context.CancelFunc
	done     chan struct{}
	// outbox holds what this process published and the other processes
	// have not been sent yet; wake tells the sender (see send).
	outMu  sync.Mutex
	outbox []notice
	wake   chan struct{}
}

// Subscribe calls fn with the payload of every notification of topic
// after its commit, from this process and from the others sharing the
// database. An empty payload means that anything may have changed
// (notifications may have been lost while the connection that hears them
// was down). fn must be quick; it runs on the committing goroutine or on
// the listener's.
func (db *DB) Subscribe(topic string, fn func(payload string)) {
	db.notices.mu.Lock()
	defer db.notices.mu.Unlock()
	if db.notices.subs == nil {
		db.notices.subs = map[string][]func(string){}
	}
	db.notices.subs[topic] = append(db.notices.subs[topic], fn)
}

// Publish announces payload on topic once the transaction has committed.
func (t *Tx) Publish(topic, payload string) {
	n := notice{topic, payload}
	for _, p := range t.published {
		if p == n {
			return
		}
	}
	t.published = append(t.published, n)
}

func (n *notices) deliver(topic, payload string) {
	n.mu.RLock()
	subs := n.subs[topic]
	n.mu.RUnlock()
	for _, fn := range subs {
		fn(payload)
	}
}

// publish delivers committed notifications to this process's
// subscribers, and hands them to the sender for the other processes.
func (n *notices) publish(ps []notice) {
	for _, p := range ps {
		n.deliver(p.topic, p.payload)
	}
	if n.wake == nil || len(ps) == 0 {
		return
	}
	n.outMu.Lock()
	n.outbox = append(n.outbox, ps...)
	n.outMu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// send tells the other processes what this one published, with NOTIFY,
// in transactions of its own, each carrying whatever has accumulated
// since the last. Not in the publishing transactions themselves: at
// commit NOTIFY takes a lock of the whole database, which would then be
// held across each commit's flush and let one writer commit at a time.
// These transactions commit without waiting for the flush (what they
// announce is on disk already), so the lock is held for microseconds.
func (db *DB) send(ctx context.Context) {
	n := &db.notices
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		}
		n.outMu.Lock()
		batch := n.outbox
		n.outbox = nil
		n.outMu.Unlock()
		seen := map[notice]bool{}
		stmts := []Statement{{SQL: `SET LOCAL synchronous_commit TO OFF`}}
		for _, p := range batch {
			if !seen[p] {
				seen[p] = true
				stmts = append(stmts, Statement{SQL: `SELECT pg_notify($1, $2)`, Args: []any{n.channels[p.topic], n.replica + " " + p.payload}})
			}
		}
		// A failed attempt is tried again; one that keeps failing loses
		// the wake-ups, which the other processes' streams make up for at
		// their next heartbeat.
		for attempt := 0; attempt < 3 && ctx.Err() == nil; attempt++ {
			c, err := db.pool.Begin(ctx, false)
			if err == nil {
				if _, err = c.Commit(ctx, stmts, nil); err == nil {
					break
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// listen starts hearing the other processes' notifications, on channels
// named after the schema (tests run many servers on schemas of one
// database).
func (db *DB) listen(ctx context.Context, listen func(context.Context, []string, func(channel, payload string))) error {
	var schema string
	if err := db.ReadTx(ctx, func(tx *Tx) error { return tx.QueryRow(`SELECT current_schema()`).Scan(&schema) }); err != nil {
		return fmt.Errorf("current schema: %w", err)
	}
	n := &db.notices
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	n.replica = hex.EncodeToString(id)
	n.channels, n.topicOf = map[string]string{}, map[string]string{}
	var channels []string
	for _, t := range topics {
		ch := "billfold." + t + "." + schema
		n.channels[t], n.topicOf[ch] = ch, t
		channels = append(channels, ch)
	}
	lctx, cancel := context.WithCancel(context.Background())
	n.cancel, n.done, n.wake = cancel, make(chan struct{}), make(chan struct{}, 1)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		db.send(lctx)
	}()
	go func() {
		defer close(n.done)
		defer func() { <-sent }()
		listen(lctx, channels, func(channel, payload string) {
			topic, ok := n.topicOf[channel]
			if !ok {
				return
			}
			if payload == "" {
				n.deliver(topic, "")
				return
			}
			from, p, _ := strings.Cut(payload, " ")
			if from != n.replica {
				n.deliver(topic, p)
			}
		})
	}()
	return nil
}

func (n *notices) stop() {
	if n.cancel != nil {
		n.cancel()
		<-n.done
	}
}

// keyedMutex is a mutex per key (an account), held by this process.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	ch    chan struct{} // holds a token while locked
	users int           // holders and waiters; the entry goes at zero
}

// lock waits for key's mutex or for ctx to end.
func (k *keyedMutex) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}
