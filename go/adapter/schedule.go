// Package adapter runs a racefuzz HTTP request schedule against a Go http.Handler in
// process: one goroutine per lane, httptest recorders instead of sockets, barrier groups
// released together, and oracles for what a race detector cannot see by itself (panics on
// the request goroutine, hangs, goroutine leaks, broken invariants).
//
// It is the Go half of racefuzz's `go` mode: a C harness decodes each fuzz input into a
// Schedule, calls Run, and crashes when Run reports a Finding, so the fuzzing engine keeps
// the input. See ../README.md.
package adapter

import (
	"net/http"
	"time"
)

// Step is one request of a schedule.
type Step struct {
	// Lane is the goroutine that sends it; steps of one lane run in order. A negative
	// lane is not run (its Result says so).
	Lane int
	// Barrier is the group (non-zero) whose steps are released at the same instant; 0 is
	// none. See plan.go for how impossible orders are resolved.
	Barrier int
	// Delay is waited after the barrier release and before sending, capped by
	// Options.MaxDelay.
	Delay time.Duration
	// Method is the HTTP method ("" is GET); Target the request target ("/v1/x?y=1"; a
	// missing leading "/" is added).
	Method, Target string
	// Header is sent as is (cloned per request); a "Host" entry becomes Request.Host.
	Header http.Header
	Body   []byte
}

// Schedule is one fuzz input.
type Schedule struct {
	// Lanes is the number of lanes; a step with a higher lane extends it.
	Lanes int
	// Repeat runs the whole schedule that many times in a row (0 is 1, capped at
	// MaxRepeat); every lane finishes run r before any lane starts run r+1.
	Repeat int
	// JitterSeed seeds the per-step delay jitter that Flags&FlagJitter switches on.
	JitterSeed, Flags uint32
	Steps             []Step
}

const (
	// FlagJitter adds a uniform [0, MaxJitter) delay to every step.
	FlagJitter = 1
	// MaxJitter bounds the jitter of one step.
	MaxJitter = 50 * time.Microsecond
	// MaxRepeat caps Schedule.Repeat.
	MaxRepeat = 8
)

// Options are the budgets and user hooks of Run. Zero values take the defaults.
type Options struct {
	StepDeadline  time.Duration // one request's budget; over it = hang (default 2s)
	DrainDeadline time.Duration // whole schedule incl. repeats (default 10s)
	// LeakSettle is how long goroutines may take to return to the baseline after the
	// drain (default 300ms); negative disables the leak oracle.
	LeakSettle time.Duration
	// MaxDelay caps a step's delay (default 20ms); negative ignores delays.
	MaxDelay time.Duration

	// Check is an optional per-response invariant. Run calls it on its own goroutine
	// after the schedule drained, once per answered step in (Run, Step) order, so it
	// needs no locking and adds no synchronization between lanes (which would hide races
	// from the race detector).
	Check func(Exchange) error
	// Invariant is an optional whole-state invariant, called once after the drain.
	Invariant func() error
	// Reset is the optional between-inputs hook (e.g. the service's package-level
	// Reset). Run never calls it: the caller does, between schedules, while no request
	// is in flight.
	Reset func()
	// KeepExchanges makes Run return every answered exchange in Outcome.Exchanges.
	KeepExchanges bool

	gate gateKind // release implementation; tests compare them
}

// Exchange is one answered request.
type Exchange struct {
	Step    int
	Run     int
	Req     *http.Request // its Body has been read by the handler; ReqBody is the bytes
	ReqBody []byte
	Status  int
	Header  http.Header
	Body    []byte
}

// Result is what one step did in one run.
type Result struct {
	Step, Run, Status int
	BodyDigest        uint64        // FNV-1a 64 of the response body
	Start, End        time.Duration // since the schedule started (handler call, return)
	Err               string        // why the step did not run or answer; "" when it did
}

// Finding is a misbehaviour; Kind is one of the Kind* constants.
type Finding struct {
	Kind    string
	Step    int // schedule step index it belongs to, -1 for none
	Message string
	Stacks  string
}

// Finding kinds.
const (
	KindPanic     = "panic"
	KindHang      = "hang"
	KindLeak      = "leak"
	KindInvariant = "invariant"
)

// Outcome is what Run found.
type Outcome struct {
	// Results holds one entry per step per run, in (Run, Step) order.
	Results []Result
	// Finding is the first misbehaviour, nil when there was none.
	Finding *Finding
	// Baseline is the goroutine count before the lanes started, After the count when Run
	// returned.
	Baseline, After int
	// Exchanges, with Options.KeepExchanges, in (Run, Step) order.
	Exchanges []Exchange
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.StepDeadline, 2*time.Second)
	def(&o.DrainDeadline, 10*time.Second)
	def(&o.LeakSettle, 300*time.Millisecond)
	def(&o.MaxDelay, 20*time.Millisecond)
	if o.StepDeadline < 0 {
		o.StepDeadline = 2 * time.Second
	}
	if o.DrainDeadline < 0 {
		o.DrainDeadline = 10 * time.Second
	}
	return o
}

// runs is the number of times s runs.
func (s *Schedule) runs() int {
	switch {
	case s.Repeat < 1:
		return 1
	case s.Repeat > MaxRepeat:
		return MaxRepeat
	}
	return s.Repeat
}
