package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// Task names a unit of background work a screen starts (a fetch, a
// money-moving action, a file write). Hooks report each one's outcome.
type Task string

// The tasks of the app. A test waits for the n-th outcome of one of them.
const (
	TaskConfig        Task = "config"
	TaskSummary       Task = "summary"
	TaskEvent         Task = "event"
	TaskInvoices      Task = "invoices"
	TaskInvoice       Task = "invoice"
	TaskLedger        Task = "ledger"
	TaskAddFunds      Task = "add funds"
	TaskVoucher       Task = "voucher"
	TaskPay           Task = "pay"
	TaskApplyCredit   Task = "apply credit"
	TaskCancel        Task = "cancel invoice"
	TaskRenderPDF     Task = "render pdf"
	TaskSavePDF       Task = "save pdf"
	TaskOpenURL       Task = "open url"
	TaskSignIn        Task = "sign in"
	TaskSignOut       Task = "sign out"
	TaskProfiles      Task = "profiles"
	TaskForget        Task = "forget profile"
	TaskCustomers     Task = "customers"
	TaskCustomer      Task = "customer"
	TaskAdjust        Task = "adjust"
	TaskConfirm       Task = "confirm transfer"
	TaskStaffFunds    Task = "add funds for customer"
	TaskStaffCredit   Task = "apply customer credit"
	TaskArchiveOpen   Task = "archive open"
	TaskArchiveSync   Task = "archive sync"
	TaskArchiveSearch Task = "archive search"
	TaskArchiveVerify Task = "archive verify"
	TaskVersions      Task = "archive versions"
	TaskExport        Task = "export csv"
	TaskChooser       Task = "choose customers"
)

// Result is the outcome of one task, as the hooks see it.
type Result struct {
	Task Task
	// Err is the task's error; nil when it succeeded.
	Err error
	// Stale is set when a newer run of the same work superseded this one:
	// its result was dropped, not shown.
	Stale bool
}

// Hooks let tests wait for asynchronous screen updates without sleeping.
type Hooks struct {
	// Done runs on the UI goroutine right after a task's result was applied
	// to the widgets (or dropped as stale), which gives the test a
	// happens-before edge with the widget writes.
	Done func(Result)
}

// Runner runs the screens' background work and brings the results back to
// the UI goroutine. Every result and every error passes through it, so the
// hooks and the log see all of them.
type Runner struct {
	// mu serialises UI updates made from goroutines. With a real driver
	// fyne.Do already runs them all on the UI goroutine, so the lock is
	// never contended; the test driver runs fyne.Do inline on the calling
	// goroutine, and there the lock is what keeps concurrent updates (and
	// the test's own reads) race-free.
	mu sync.Mutex
	// pending counts background work still running, so that a closed
	// window can be waited for (a test's goroutines must not touch the
	// next test's app).
	pending sync.WaitGroup
	// inFlight counts the runs whose outcome has not been applied yet
	// (pending also counts the event stream, which never ends).
	inFlight atomic.Int64
	// held, when set, is closed once results may be applied again
	// (holdResults); waiting counts the results waiting for that.
	held    atomic.Pointer[chan struct{}]
	waiting atomic.Int64
	hooks   Hooks
	log     *slog.Logger
}

// NewRunner returns a runner that reports outcomes to hooks and failures
// to log (nil discards them).
func NewRunner(log *slog.Logger, hooks Hooks) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{hooks: hooks, log: log}
}

// Wait blocks until every background task has finished. Call it after the
// windows closed (their contexts end the work).
func (r *Runner) Wait() { r.pending.Wait() }

// idle says that every run's outcome has been applied: the screens show
// everything they asked for.
func (r *Runner) idle() bool { return r.inFlight.Load() == 0 }

// do applies f to widgets from any goroutine.
func (r *Runner) do(f func()) {
	fyne.Do(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		f()
	})
}

// settle applies a task's outcome and reports it; on the UI goroutine.
func (r *Runner) settle(res Result, apply func()) {
	if !res.Stale {
		apply()
		if res.Err != nil && !errors.Is(res.Err, context.Canceled) { // a closed screen's work is not a failure
			r.log.Info("task failed", "task", string(res.Task), "err", res.Err)
		}
	}
	if r.hooks.Done != nil {
		r.hooks.Done(res)
	}
}

// post applies the outcome of a task that ran elsewhere (an event from the
// stream) on the UI goroutine.
func (r *Runner) post(t Task, err error, apply func()) {
	r.do(func() { r.settle(Result{Task: t, Err: err}, apply) })
}

// spawn starts f off the UI goroutine, counted as pending work.
func (r *Runner) spawn(f func()) {
	r.pending.Add(1)
	go func() {
		defer r.pending.Done()
		f()
	}()
}

// holdResults keeps results from being applied, from now until release
// is called (from any goroutine, as often as need be); the work itself goes
// on. A new window holds its first loads' results until it has drawn its
// first frame (frame.holdUntilDrawn): applied first, they made that frame
// wait for them and then draw them too, up to twice as long. The hold is
// the runner's, so every window sharing it waits too; the desktop opens
// one window at a time (sign-in closes as the main window opens), and a
// hold lasts a frame, a second at most.
func (r *Runner) holdResults() (release func()) {
	ch := make(chan struct{})
	r.held.Store(&ch)
	return sync.OnceFunc(func() {
		r.held.CompareAndSwap(&ch, nil)
		close(ch)
	})
}

// waitIfHeld returns once results may be applied.
func (r *Runner) waitIfHeld() {
	h := r.held.Load()
	if h == nil {
		return
	}
	r.waiting.Add(1)
	defer r.waiting.Add(-1)
	<-*h
}

// run does work off the UI goroutine and hands its result to apply on the
// UI goroutine. A newer run on the same generation counter supersedes an
// older one: the stale result is dropped, so a slow answer can never
// overwrite a newer one.
func run[T any](r *Runner, ctx context.Context, t Task, gen *atomic.Uint64, work func(context.Context) (T, error), apply func(T, error)) {
	my := uint64(0)
	if gen != nil {
		my = gen.Add(1)
	}
	r.inFlight.Add(1)
	r.spawn(func() {
		v, err := work(ctx)
		r.waitIfHeld()
		r.do(func() {
			defer r.inFlight.Add(-1)
			r.settle(Result{Task: t, Err: err, Stale: gen != nil && gen.Load() != my}, func() { apply(v, err) })
		})
	})
}
