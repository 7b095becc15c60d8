package adapter

import (
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"time"
)

// Run runs schedule s against h and reports what the steps did and the first finding.
// It returns when the schedule drained and the after-drain oracles ran, or at once on a
// hang, leaving the stuck lanes behind (other lanes give up at their next step or gate).
//
// Harness synchronization never orders one lane's requests before another's: gates are
// race-detector-invisible (gate.go), and lanes talk to Run only through their own
// progress counters and their exit. The exceptions are the join at the end and the
// abort after a finding, after which a lane sends nothing more.
func Run(h http.Handler, s *Schedule, opt Options) Outcome {
	if s == nil {
		s = &Schedule{}
	}
	r := newRunner(h, s, opt.withDefaults())
	out := Outcome{Baseline: runtime.NumGoroutine()}
	r.start = time.Now()
	for _, ln := range r.lanes {
		go r.runLane(ln)
	}
	f, drained := r.watch()
	r.stop()
	xs := r.collect(&out)
	if f == nil && drained {
		f = r.afterDrain(xs, &out)
	}
	out.Finding = f
	if out.After == 0 {
		out.After = runtime.NumGoroutine()
	}
	if r.opt.KeepExchanges {
		out.Exchanges = xs
	}
	return out
}

// runner is the state of one Run; everything but the lanes' own fields is written
// before the lanes start and only read afterwards.
type runner struct {
	h       http.Handler
	s       *Schedule
	opt     Options
	plan    *plan
	runs    int
	keep    bool              // keep exchanges (for Check or the caller)
	delay   [][]time.Duration // per run, per step: capped delay plus jitter
	gates   [][]gate          // per run, per plan gate
	ends    []gate            // per run but the last: every lane finishes it together
	lanes   []*lane           // lanes that have steps
	abort   chan struct{}     // closed when Run gives up or has a finding
	stopped bool
	exits   chan int // a lane's index in lanes, sent when it ends
	start   time.Time
}

// lane is one lane goroutine's state. results[:done] are published to Run.
type lane struct {
	index, id int   // in runner.lanes; the schedule's lane number
	steps     []int // step indexes in order
	busy      atomic.Int64
	busyStep  atomic.Int32
	busyRun   atomic.Int32
	done      atomic.Int32
	results   []Result
	xs        []Exchange
	found     *Finding // read by Run after the lane's exit
}

func newRunner(h http.Handler, s *Schedule, opt Options) *runner {
	r := &runner{h: h, s: s, opt: opt, plan: newPlan(s), runs: s.runs(),
		keep: opt.Check != nil || opt.KeepExchanges, abort: make(chan struct{})}
	r.delay = delays(s, r.runs, opt.MaxDelay)
	for _, steps := range r.plan.lanes {
		if len(steps) > 0 {
			r.lanes = append(r.lanes, &lane{index: len(r.lanes), id: r.s.Steps[steps[0]].Lane,
				steps: steps, results: make([]Result, len(steps)*r.runs)})
		}
	}
	if r.keep {
		for _, ln := range r.lanes {
			ln.xs = make([]Exchange, len(ln.results))
		}
	}
	r.gates = make([][]gate, r.runs)
	for run := range r.gates {
		for _, n := range r.plan.sizes {
			r.gates[run] = append(r.gates[run], newGate(opt.gate, n))
		}
		if run+1 < r.runs {
			r.ends = append(r.ends, newGate(opt.gate, len(r.lanes)))
		}
	}
	r.exits = make(chan int, len(r.lanes))
	return r
}

// delays fixes every step's delay up front: Delay capped by maxDelay, plus, with
// FlagJitter, a uniform [0, MaxJitter) jitter drawn in (run, step) order from JitterSeed.
func delays(s *Schedule, runs int, maxDelay time.Duration) [][]time.Duration {
	rng := rand.New(rand.NewSource(int64(s.JitterSeed)))
	out := make([][]time.Duration, runs)
	for run := range out {
		out[run] = make([]time.Duration, len(s.Steps))
		for i, st := range s.Steps {
			d := st.Delay
			if d > maxDelay {
				d = maxDelay
			}
			if d < 0 {
				d = 0
			}
			if s.Flags&FlagJitter != 0 {
				d += time.Duration(rng.Int63n(int64(MaxJitter)))
			}
			out[run][i] = d
		}
	}
	return out
}

func (r *runner) since() time.Duration { return time.Since(r.start) }

// stop tells the lanes to give up (idempotent; Run's goroutine only).
func (r *runner) stop() {
	if !r.stopped {
		r.stopped = true
		close(r.abort)
	}
}

// runLane is one lane goroutine: its steps in order, run after run, each behind its
// gate and delay. It ends early after a panic or once Run gave up.
func (r *runner) runLane(ln *lane) {
	defer func() {
		ln.busy.Store(0)
		r.exits <- ln.index
	}()
	for run := 0; run < r.runs; run++ {
		for _, i := range ln.steps {
			if closed(r.abort) || !r.gated(ln, run, i) {
				return
			}
		}
		if run+1 < r.runs && !r.ends[run].wait(ln.index, r.abort) {
			return
		}
	}
}

// gated runs step i behind its gate, if it has one: prepare, release, delay, enter,
// send, then linger until the whole group has entered. The request is prepared before
// the gate so that a released member has nothing left to do but call the handler. False
// stops the lane.
func (r *runner) gated(ln *lane, run, i int) bool {
	c := r.prepare(ln, run, i)
	g := r.plan.gate[i]
	if g < 0 {
		pause(r.delay[run][i])
		return r.send(ln, c)
	}
	gt, slot := r.gates[run][g], r.plan.slot[i]
	if !gt.wait(slot, r.abort) {
		return false
	}
	pause(r.delay[run][i])
	gt.enter(slot)
	return r.send(ln, c) && gt.linger(r.abort)
}

// pause waits d: sleeping for the bulk (timers are coarse), spinning for the last
// millisecond so microsecond staggers within a group hold.
func pause(d time.Duration) {
	if d <= 0 {
		return
	}
	until := time.Now().Add(d)
	if d > 2*time.Millisecond {
		time.Sleep(d - time.Millisecond)
	}
	for time.Now().Before(until) {
		runtime.Gosched()
	}
}

// call is one step of one run, ready to send.
type call struct {
	step, run int
	req       *http.Request // nil when it could not be built (err says why)
	err       error
	w         *httptest.ResponseRecorder
	what      string // for a panic finding
}

func (r *runner) prepare(ln *lane, run, i int) *call {
	c := &call{step: i, run: run}
	c.req, c.err = newRequest(&r.s.Steps[i])
	if c.err == nil {
		c.w = httptest.NewRecorder()
		c.what = fmt.Sprintf("step %d (run %d, lane %d: %s %s)", i, run, ln.id, c.req.Method,
			c.req.RequestURI)
	}
	return c
}

// send calls the handler with c and publishes the result; false stops the lane.
func (r *runner) send(ln *lane, c *call) bool {
	res := Result{Step: c.step, Run: c.run}
	if c.err != nil {
		res.Err = "request not built: " + c.err.Error()
		ln.publish(res, Exchange{})
		return true
	}
	res.Start = r.since()
	ln.begin(c.run, c.step, res.Start)
	ok, aborted := serve(r.h, c.w, c.req, &ln.found, c.step, c.what)
	res.End = r.since()
	ln.busy.Store(0)
	switch {
	case !ok:
		res.Err = "handler panicked"
		ln.publish(res, Exchange{})
		return false
	case aborted:
		res.Err = "handler aborted (http.ErrAbortHandler)"
		ln.publish(res, Exchange{})
		return true
	}
	ln.publish(r.answered(res, c))
	return true
}

// answered fills in what the handler wrote.
func (r *runner) answered(res Result, c *call) (Result, Exchange) {
	body := c.w.Body.Bytes()
	res.Status, res.BodyDigest = c.w.Code, digest(body)
	if !r.keep {
		return res, Exchange{}
	}
	return res, Exchange{Step: c.step, Run: c.run, Req: c.req, ReqBody: r.s.Steps[c.step].Body,
		Status: c.w.Code, Header: c.w.Result().Header, Body: body}
}

func (ln *lane) begin(run, step int, at time.Duration) {
	ln.busyStep.Store(int32(step))
	ln.busyRun.Store(int32(run))
	ln.busy.Store(int64(at) + 1)
}

func (ln *lane) publish(res Result, x Exchange) {
	k := int(ln.done.Load())
	ln.results[k] = res
	if ln.xs != nil {
		ln.xs[k] = x
	}
	ln.done.Store(int32(k + 1))
}

// watch waits for the lanes to end, watching for hangs. It returns the first finding,
// and whether every lane ended (false: Run must not wait for them).
func (r *runner) watch() (*Finding, bool) {
	var first *Finding
	drain := time.NewTimer(r.opt.DrainDeadline)
	defer drain.Stop()
	tick := time.NewTicker(tickFor(r.opt.StepDeadline))
	defer tick.Stop()
	for left := len(r.lanes); left > 0; {
		select {
		case l := <-r.exits:
			left--
			if f := r.lanes[l].found; f != nil && first == nil {
				first = f
				r.stop() // the schedule is lost; don't spend its budget
			}
		case <-tick.C:
			if f := r.overdue(); f != nil {
				return firstOf(first, f), false
			}
		case <-drain.C:
			return firstOf(first, r.undrained()), false
		}
	}
	return first, true
}

func firstOf(first, f *Finding) *Finding {
	if first != nil {
		return first
	}
	return f
}

// tickFor is how often the step deadline is checked: a tenth of it, 1ms..50ms.
func tickFor(deadline time.Duration) time.Duration {
	t := deadline / 10
	if t < time.Millisecond {
		t = time.Millisecond
	}
	if t > 50*time.Millisecond {
		t = 50 * time.Millisecond
	}
	return t
}

// running is what a lane is running: ok false when idle (or it just moved on).
func (ln *lane) running() (step, run int, since time.Duration, ok bool) {
	b := ln.busy.Load()
	step, run = int(ln.busyStep.Load()), int(ln.busyRun.Load())
	if b == 0 || ln.busy.Load() != b {
		return 0, 0, 0, false
	}
	return step, run, time.Duration(b - 1), true
}

// overdue is the hang finding for a step running longer than StepDeadline, if any.
func (r *runner) overdue() *Finding {
	now := r.since()
	for _, ln := range r.lanes {
		step, run, since, ok := ln.running()
		if ok && now-since > r.opt.StepDeadline {
			return r.hang(step, fmt.Sprintf("%s still running after %v (StepDeadline %v)",
				r.describe(ln, step, run), (now-since).Round(time.Millisecond), r.opt.StepDeadline))
		}
	}
	return nil
}

// undrained is the hang finding for a schedule over DrainDeadline; its step is the
// longest-running one, or -1 when no handler is running (the lanes are all at gates).
func (r *runner) undrained() *Finding {
	now, step, oldest, busy := r.since(), -1, time.Duration(-1), ""
	for _, ln := range r.lanes {
		s, run, since, ok := ln.running()
		if !ok {
			continue
		}
		busy += fmt.Sprintf("; %s running for %v", r.describe(ln, s, run), (now - since).Round(time.Millisecond))
		if oldest < 0 || since < oldest {
			step, oldest = s, since
		}
	}
	return r.hang(step, fmt.Sprintf("schedule did not drain within DrainDeadline %v%s",
		r.opt.DrainDeadline, busy))
}

func (r *runner) hang(step int, msg string) *Finding {
	return &Finding{Kind: KindHang, Step: step, Message: msg, Stacks: allStacks()}
}

func (r *runner) describe(ln *lane, step, run int) string {
	st := &r.s.Steps[step]
	return fmt.Sprintf("step %d (run %d, lane %d: %s %s)", step, run, ln.id, st.Method, st.Target)
}

// collect lays the published results out in (Run, Step) order into out.Results; steps
// that never finished say why. It returns the exchanges in the same order.
func (r *runner) collect(out *Outcome) []Exchange {
	n := len(r.s.Steps)
	out.Results = make([]Result, n*r.runs)
	for k := range out.Results {
		out.Results[k] = Result{Step: k % n, Run: k / n, Err: "not run"}
		if r.s.Steps[k%n].Lane < 0 {
			out.Results[k].Err = "not run: negative lane"
		}
	}
	byKey := make([]*Exchange, n*r.runs)
	for _, ln := range r.lanes {
		done := ln.done.Load() // one snapshot: a stuck lane may still publish
		for k, res := range ln.results[:done] {
			out.Results[res.Run*n+res.Step] = res
			if r.keep && ln.xs[k].Req != nil {
				byKey[res.Run*n+res.Step] = &ln.xs[k]
			}
		}
		if step, run, since, ok := ln.running(); ok {
			out.Results[run*n+step].Start = since
			out.Results[run*n+step].Err = "still running when Run returned"
		}
	}
	var xs []Exchange
	for _, x := range byKey {
		if x != nil {
			xs = append(xs, *x)
		}
	}
	return xs
}

// afterDrain runs the oracles that need a drained schedule, in order: Check on every
// exchange, Invariant, then the leak check. The first finding wins.
func (r *runner) afterDrain(xs []Exchange, out *Outcome) *Finding {
	if r.opt.Check != nil {
		for _, x := range xs {
			if f := checkExchange(r.opt.Check, x); f != nil {
				return f
			}
		}
	}
	if r.opt.Invariant != nil {
		if f := callUser("Invariant", r.opt.Invariant); f != nil {
			return f
		}
	}
	n, f := leakCheck(out.Baseline, r.opt.LeakSettle)
	out.After = n
	return f
}
