package adapter

import (
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func panickyHandler(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/boom" {
		var m map[string]int
		m["x"]++ // nil map write: a runtime panic
	}
}

func TestPanicIsAFindingWithTheHandlerStack(t *testing.T) {
	s := sched(get(0, "/fine"), get(0, "/boom"), get(0, "/after"), get(1, "/fine"))
	out := Run(http.HandlerFunc(panickyHandler), s, quiet())
	f := out.Finding
	if f == nil || f.Kind != KindPanic || f.Step != 1 {
		t.Fatalf("finding %+v, want a panic at step 1", f)
	}
	if !strings.Contains(f.Stacks, "panickyHandler") || !strings.Contains(f.Message, "nil map") {
		t.Fatalf("panic finding does not name the handler and value:\n%s", f.Report())
	}
	rep := f.Report()
	if !strings.HasPrefix(rep, "racefuzz: go-mode panic: ") || !strings.Contains(rep, f.Stacks) {
		t.Fatalf("report:\n%s", rep)
	}
	if out.Results[0].Status != 200 || out.Results[1].Err == "" || out.Results[2].Err != "not run" {
		t.Fatalf("results %+v", out.Results)
	}
}

func TestErrAbortHandlerIsNotAFinding(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})
	out := Run(h, sched(get(0, "/"), get(0, "/")), quiet())
	noFinding(t, out)
	for _, res := range out.Results {
		if !strings.Contains(res.Err, "aborted") {
			t.Fatalf("result %+v", res)
		}
	}
}

func TestGoexitIsAFinding(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { runtime.Goexit() })
	out := Run(h, sched(get(0, "/"), get(1, "/")), quiet())
	if out.Finding == nil || out.Finding.Kind != KindPanic || !strings.Contains(out.Finding.Message, "Goexit") {
		t.Fatalf("finding %+v", out.Finding)
	}
}

// blockForever is the handler path that never returns (until the test ends).
func blockForever(release <-chan struct{}) { <-release }

func TestHangNamesTheBlockedFunction(t *testing.T) {
	release := make(chan struct{})
	defer quiesce()
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/block" {
			blockForever(release)
		}
	})
	// Lane 1 waits at a gate for lane 0's step after the hang: it must give up too.
	s := sched(get(0, "/block"), barriered(0, 1, "/a"), barriered(1, 1, "/b"))
	opt := quiet()
	opt.StepDeadline = 150 * time.Millisecond
	start := time.Now()
	out := Run(h, s, opt)
	f := out.Finding
	if f == nil || f.Kind != KindHang || f.Step != 0 {
		t.Fatalf("finding %+v, want a hang at step 0", f)
	}
	if !strings.Contains(f.Stacks, "blockForever") || !strings.Contains(f.Message, "StepDeadline") {
		t.Fatalf("hang finding:\n%s", f.Report())
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Run took %v to report a 150ms hang", took)
	}
	if !strings.Contains(out.Results[0].Err, "still running") {
		t.Fatalf("result %+v", out.Results[0])
	}
}

func TestDrainDeadlineIsAHang(t *testing.T) {
	s := sched(get(0, "/sleep?us=100000"), get(0, "/sleep?us=100000"), get(0, "/sleep?us=100000"))
	opt := quiet()
	opt.DrainDeadline = 150 * time.Millisecond
	out := Run(sleepy(), s, opt)
	if f := out.Finding; f == nil || f.Kind != KindHang || !strings.Contains(f.Message, "DrainDeadline") {
		t.Fatalf("finding %+v", f)
	}
	time.Sleep(300 * time.Millisecond) // let the lane finish before the next test
}

// leakyWorker is the goroutine the leaking handler leaves behind.
func leakyWorker(stop <-chan struct{}) { <-stop }

func TestLeakedGoroutineIsAFinding(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/leak" {
			go leakyWorker(stop)
		}
	})
	opt := quiet()
	opt.LeakSettle = 100 * time.Millisecond
	quiesce()
	noFinding(t, Run(h, sched(get(0, "/fine"), get(1, "/fine")), opt))
	out := Run(h, sched(get(0, "/fine"), get(1, "/leak")), opt)
	f := out.Finding
	if f == nil || f.Kind != KindLeak || out.After <= out.Baseline {
		t.Fatalf("finding %+v baseline %d after %d", f, out.Baseline, out.After)
	}
	if !strings.Contains(f.Stacks, "leakyWorker") {
		t.Fatalf("leak finding:\n%s", f.Report())
	}
}

func TestShortLivedGoroutineIsNotALeak(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go time.Sleep(30 * time.Millisecond)
	})
	noFinding(t, Run(h, sched(get(0, "/"), get(1, "/")), quiet()))
}

func TestCheckErrorIsAnInvariantFinding(t *testing.T) {
	opt := quiet()
	opt.Check = func(x Exchange) error {
		if x.Req.URL.Path == "/secret" && x.Status == 200 {
			return errors.New("anonymous caller got the secret")
		}
		return nil
	}
	out := Run(ok, sched(get(0, "/public"), get(1, "/secret")), opt)
	f := out.Finding
	if f == nil || f.Kind != KindInvariant || f.Step != 1 {
		t.Fatalf("finding %+v", f)
	}
	for _, want := range []string{"step 1", "GET /secret", "200", "anonymous caller", `"ok"`} {
		if !strings.Contains(f.Message, want) {
			t.Fatalf("message %q lacks %q", f.Message, want)
		}
	}
	if !strings.HasPrefix(f.Report(), "racefuzz: go-mode invariant: ") {
		t.Fatal(f.Report())
	}
}

func TestInvariantErrorIsAFinding(t *testing.T) {
	opt := quiet()
	calls := 0
	opt.Invariant = func() error {
		calls++
		return errors.New("loyalty points negative")
	}
	out := Run(ok, sched(get(0, "/")), opt)
	if f := out.Finding; f == nil || f.Kind != KindInvariant || !strings.Contains(f.Message, "loyalty") || calls != 1 {
		t.Fatalf("finding %+v after %d calls", f, calls)
	}
}

func TestFixedHandlerHasNoFinding(t *testing.T) {
	opt := quiet()
	opt.Check = func(Exchange) error { return nil }
	opt.Invariant = func() error { return nil }
	s := sched(get(0, "/a"), barriered(0, 1, "/b"), barriered(1, 1, "/c"), get(2, "/d"))
	s.Repeat = 2
	out := Run(ok, s, opt)
	noFinding(t, out)
	allAnswered(t, out, 200)
}
