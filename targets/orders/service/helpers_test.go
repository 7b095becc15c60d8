package service

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// do sends one request straight to the handler (no sockets) and returns the status
// and body. token "" sends no Authorization header.
func do(h http.Handler, method, path, token, body string) (int, string) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// together runs the functions at the same instant (released by one barrier) and waits
// for them at most `wait`; it returns how many had not finished by then.
func together(wait time.Duration, fns ...func()) int {
	var gate sync.WaitGroup
	gate.Add(1)
	done := make(chan struct{}, len(fns))
	for _, f := range fns {
		f := f
		go func() {
			gate.Wait()
			f()
			done <- struct{}{}
		}()
	}
	gate.Done()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	finished := 0
	for finished < len(fns) {
		select {
		case <-done:
			finished++
		case <-deadline.C:
			return len(fns) - finished
		}
	}
	return 0
}

// ---- bug triggers in child processes ----------------------------------------------------
//
// A trigger that works shows a race report or a runtime fatal error, either of which
// ends (or fails) the process that sees it, so every trigger runs in a child: the test
// binary itself, re-run with -test.run=^TestTriggerHelper$ and the trigger named in
// ORDERS_TRIGGER. The child reports what it saw on stdout as "OBSERVED key=value"
// lines; the parent checks those and the child's stderr.

// triggerTimeout bounds one child run; the slowest trigger takes about a second.
const triggerTimeout = 60 * time.Second

// triggers are the hand-written sequences, by bug name. Each runs against the variant
// in ORDERS_BUGS and reports its observations with observe.
var triggers = map[string]func(t *testing.T, bugs Bugs){}

func observe(key string, value interface{}) {
	// Written straight to stdout: the test framework may buffer t.Log output.
	os.Stdout.WriteString("OBSERVED " + key + "=" + toString(value) + "\n")
}

func toString(v interface{}) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	panic("observe: unsupported type")
}

// TestTriggerHelper is not a test of its own: it is the child side of runTrigger.
func TestTriggerHelper(t *testing.T) {
	name := os.Getenv("ORDERS_TRIGGER")
	if name == "" {
		t.Skip("runs only as the child process of a bug test")
	}
	trig, ok := triggers[name]
	if !ok {
		t.Fatalf("no trigger %q", name)
	}
	bugs, err := ParseBugs(os.Getenv("ORDERS_BUGS"))
	if err != nil {
		t.Fatal(err)
	}
	trig(t, bugs)
}

type childRun struct {
	exitCode int
	stdout   string
	stderr   string
	observed map[string]string
}

var observedLine = regexp.MustCompile(`(?m)^OBSERVED ([a-z_]+)=(.*)$`)

// runTrigger runs trigger `name` in a child with ORDERS_BUGS=bugs; the race detector
// (when built in) stops the child at its first report.
func runTrigger(t *testing.T, name, bugs string) childRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), triggerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestTriggerHelper$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "ORDERS_TRIGGER="+name, "ORDERS_BUGS="+bugs, "GORACE=halt_on_error=1 atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := childRun{stdout: stdout.String(), stderr: stderr.String(), observed: map[string]string{}}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exitCode = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("trigger %s (ORDERS_BUGS=%s): %v", name, bugs, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("trigger %s (ORDERS_BUGS=%s) did not finish within %v", name, bugs, triggerTimeout)
	}
	for _, m := range observedLine.FindAllStringSubmatch(r.stdout, -1) {
		r.observed[m[1]] = m[2]
	}
	t.Logf("trigger %s, ORDERS_BUGS=%s: exit %d after %v, observed %v", name, bugs, r.exitCode,
		time.Since(start).Round(time.Millisecond), r.observed)
	return r
}

func (r childRun) dump(t *testing.T) {
	t.Helper()
	t.Logf("child stdout:\n%s\nchild stderr:\n%s", clip(r.stdout), clip(r.stderr))
}

func clip(s string) string {
	const max = 6000
	if len(s) > max {
		return s[:max] + "\n... (cut)"
	}
	return s
}

// expectRace checks that the child stopped on a race report naming fn.
func expectRace(t *testing.T, r childRun, fn string) {
	t.Helper()
	if !strings.Contains(r.stderr, "WARNING: DATA RACE") || !strings.Contains(r.stderr, fn) {
		r.dump(t)
		t.Fatalf("expected a race report naming %s", fn)
	}
}

// expectClean checks that the child passed with no race report, panic or fatal error.
func expectClean(t *testing.T, r childRun) {
	t.Helper()
	for _, bad := range []string{"WARNING: DATA RACE", "fatal error:", "panic:"} {
		if strings.Contains(r.stderr+r.stdout, bad) {
			r.dump(t)
			t.Fatalf("fixed variant: unexpected %q", bad)
		}
	}
	if r.exitCode != 0 {
		r.dump(t)
		t.Fatalf("fixed variant: trigger exited %d", r.exitCode)
	}
}

// observedInt is an observation as a number; a missing one fails the test.
func observedInt(t *testing.T, r childRun, key string) int {
	t.Helper()
	v, ok := r.observed[key]
	n, err := strconv.Atoi(v)
	if !ok || err != nil {
		r.dump(t)
		t.Fatalf("child did not observe %s", key)
	}
	return n
}
