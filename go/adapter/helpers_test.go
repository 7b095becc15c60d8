package adapter

import (
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// get is a GET step on a lane.
func get(lane int, target string) Step {
	return Step{Lane: lane, Method: http.MethodGet, Target: target}
}

// barriered is a GET step in a barrier group.
func barriered(lane, group int, target string) Step {
	return Step{Lane: lane, Barrier: group, Method: http.MethodGet, Target: target}
}

// quiet are options for tests: short budgets, fast leak settle.
func quiet() Options {
	return Options{StepDeadline: 2 * time.Second, DrainDeadline: 5 * time.Second,
		LeakSettle: 200 * time.Millisecond}
}

// ok is a handler that answers 200 "ok".
var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok"))
})

// param reads an integer query parameter (0 when absent).
func param(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.URL.Query().Get(name))
	return n
}

// noFinding fails the test when out has a finding.
func noFinding(t *testing.T, out Outcome) {
	t.Helper()
	if out.Finding != nil {
		t.Fatalf("unexpected finding:\n%s", out.Finding.Report())
	}
}

// allAnswered fails the test unless every result has status want.
func allAnswered(t *testing.T, out Outcome, want int) {
	t.Helper()
	for _, res := range out.Results {
		if res.Status != want || res.Err != "" {
			t.Errorf("step %d run %d: status %d err %q, want %d", res.Step, res.Run,
				res.Status, res.Err, want)
		}
	}
}

// sleepy answers 200 after sleeping the "us" query parameter in microseconds.
func sleepy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(param(r, "us")) * time.Microsecond)
		w.Write([]byte("ok"))
	})
}

// quiesce waits until the goroutine count has stopped falling (goroutines earlier tests
// released are still finishing), so a leak check starts from a true baseline.
func quiesce() {
	last := runtime.NumGoroutine()
	for k := 0; k < 100; k++ {
		time.Sleep(10 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n >= last {
			return
		}
		last = n
	}
}
