package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var listening = regexp.MustCompile(`^ordersd listening on (http://127\.0\.0\.1:[0-9]+)$`)

// lineWriter hands run's stderr to the test one line at a time.
type lineWriter struct{ lines chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		select {
		case w.lines <- l:
		default: // the test reads only the first lines
		}
	}
	return len(p), nil
}

func waitLine(t *testing.T, lines <-chan string, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l := <-lines:
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("no line matching %s", re)
		}
	}
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestRunShouldAnnounceThePortServeHealthAndPprofAndStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lines := lineWriter{make(chan string, 16)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-pprof-addr", "127.0.0.1:0", "-bugs", "G3,C1"}, lines)
	}()
	pp := waitLine(t, lines.lines, regexp.MustCompile(`^ordersd pprof on (http://\S+)$`))
	base := waitLine(t, lines.lines, listening)[1]
	start := time.Now()
	if got := getBody(t, base+"/healthz"); !strings.Contains(got, `"bugs":"G3,C1"`) {
		t.Fatalf("healthz: %s", got)
	}
	if time.Since(start) > time.Second {
		t.Fatal("healthz took more than a second")
	}
	if got := getBody(t, pp[1]+"goroutine?debug=1"); !strings.Contains(got, "goroutine profile") {
		t.Fatalf("pprof: %.200s", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunShouldRefuseNonLoopbackAddressesAndBadBugLists(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"-addr", "0.0.0.0:0"}, io.Discard); err == nil || !strings.Contains(err.Error(), "non-loopback") {
		t.Fatalf("0.0.0.0: %v", err)
	}
	if err := run(ctx, []string{"-addr", ":0"}, io.Discard); err == nil {
		t.Fatal("empty host accepted")
	}
	if err := run(ctx, []string{"-pprof-addr", "192.0.2.1:0"}, io.Discard); err == nil {
		t.Fatal("non-loopback pprof accepted")
	}
	if err := run(ctx, []string{"-bugs", "G9"}, io.Discard); err == nil {
		t.Fatal("bad bug list accepted")
	}
	for _, ok := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1"} {
		if err := checkLoopback(ok, false); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if err := checkLoopback("0.0.0.0:1", true); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
}

func TestBugsFlagShouldDefaultToTheEnvironment(t *testing.T) {
	t.Setenv("ORDERS_BUGS", "none")
	o, err := parseFlags(nil, io.Discard)
	if err != nil || o.bugs != "none" || o.addr != "127.0.0.1:8080" {
		t.Fatalf("%+v %v", o, err)
	}
	t.Setenv("ORDERS_BUGS", "")
	if o, _ := parseFlags(nil, io.Discard); o.bugs != "all" {
		t.Fatalf("default bugs %q", o.bugs)
	}
}

// The real binary, as a supervisor runs it: the announcement, then SIGTERM.
func TestBinaryShouldShutDownOnSIGTERM(t *testing.T) {
	if os.Getenv("ORDERSD_AS_DAEMON") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(daemon(args))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBinaryShouldShutDownOnSIGTERM$", "--", "-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ORDERSD_AS_DAEMON=1", "GORACE=atexit_sleep_ms=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }() // already gone on success
	sc := bufio.NewScanner(stderr)
	var base string
	for base == "" && sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("no announcement line")
	}
	if got := getBody(t, base+"/healthz"); !strings.Contains(got, `"status":"ok"`) {
		t.Fatalf("healthz: %s", got)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}
