package adapter

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Report is the finding as the harness prints it before crashing: a first line
// "racefuzz: go-mode <kind>: <message>", the step, then the stacks.
func (f *Finding) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "racefuzz: go-mode %s: %s\n", f.Kind, f.Message)
	if f.Step >= 0 {
		fmt.Fprintf(&b, "racefuzz: step %d\n", f.Step)
	}
	if f.Stacks != "" {
		b.WriteString("\n")
		b.WriteString(f.Stacks)
		if !strings.HasSuffix(f.Stacks, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// serve calls the handler on the lane goroutine. It reports false when the handler
// panicked (then found holds the finding, with the panicking goroutine's stack) and
// aborted when it panicked with http.ErrAbortHandler, which net/http treats as an
// intentional abort, not a bug. A runtime.Goexit cannot be stopped: found is set and the
// lane unwinds (Go 1.19 also lands here for panic(nil), which it recovers as nil).
func serve(h http.Handler, w http.ResponseWriter, req *http.Request, found **Finding,
	step int, what string) (ok, aborted bool) {
	returned := false
	defer func() {
		if returned {
			return
		}
		v := recover()
		if v == http.ErrAbortHandler {
			ok, aborted = true, true
			return
		}
		msg := fmt.Sprintf("%s panicked: %v (%T)", what, v, v)
		if v == nil {
			msg = what + " called runtime.Goexit or panicked with nil"
		}
		*found = &Finding{Kind: KindPanic, Step: step, Message: msg, Stacks: string(debug.Stack())}
	}()
	h.ServeHTTP(w, req)
	returned = true
	return true, false
}

// callUser runs a user hook on Run's goroutine; a panic in it is a finding too.
func callUser(what string, fn func() error) (f *Finding) {
	defer func() {
		if v := recover(); v != nil {
			f = &Finding{Kind: KindPanic, Step: -1, Stacks: string(debug.Stack()),
				Message: fmt.Sprintf("%s panicked: %v (%T)", what, v, v)}
		}
	}()
	if err := fn(); err != nil {
		return &Finding{Kind: KindInvariant, Step: -1, Message: what + ": " + err.Error()}
	}
	return nil
}

// allStacks is every goroutine's stack, the buffer grown until it fits (up to 64 MiB).
func allStacks() string {
	buf := make([]byte, 256<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// settle polls the goroutine count until it is back to baseline or within passed; it
// returns the last count and whether it got there. Goroutines that the handlers started
// and that finish on their own (timers, async writes) get that long to do so.
func settle(baseline int, within time.Duration) (int, bool) {
	deadline := time.Now().Add(within)
	nap := 50 * time.Microsecond
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return n, true
		}
		if time.Now().After(deadline) {
			return n, false
		}
		time.Sleep(nap)
		if nap < 10*time.Millisecond {
			nap *= 2
		}
	}
}

// leakCheck is the leak oracle, run after the drain.
func leakCheck(baseline int, within time.Duration) (int, *Finding) {
	if within < 0 {
		return runtime.NumGoroutine(), nil
	}
	n, ok := settle(baseline, within)
	if ok {
		return n, nil
	}
	return n, &Finding{Kind: KindLeak, Step: -1, Stacks: allStacks(),
		Message: fmt.Sprintf("%d goroutine(s) above the baseline of %d still running %v "+
			"after the schedule drained", n-baseline, baseline, within)}
}

// checkExchange applies the user's per-response invariant.
func checkExchange(check func(Exchange) error, x Exchange) *Finding {
	f := callUser("Check", func() error { return check(x) })
	if f == nil {
		return nil
	}
	f.Step = x.Step
	if f.Kind == KindInvariant {
		f.Message = fmt.Sprintf("Check failed on step %d (run %d) %s %s -> %d: %s; body: %q",
			x.Step, x.Run, x.Req.Method, x.Req.RequestURI, x.Status,
			strings.TrimPrefix(f.Message, "Check: "), excerpt(x.Body, 256))
	}
	return f
}

func excerpt(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
