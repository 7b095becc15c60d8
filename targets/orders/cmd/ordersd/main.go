// Command ordersd serves the orders service over HTTP/1.1 on a loopback address.
//
//	ordersd [-addr 127.0.0.1:8080] [-pprof-addr 127.0.0.1:6060] [-bugs all|none|G1,C2,...] [-v]
//	        [-fuzz-hooks]
//
// -fuzz-hooks adds two endpoints for racefuzz's http mode (never for production):
// POST /internal/reset returns the service to its start state (service.Reset), and
// GET /internal/invariants answers 200, or 500 with the broken invariant
// (service.CheckInvariants).
//
// When it is ready it prints exactly one line "ordersd listening on http://ADDR" to
// stderr, ADDR being the bound address (so -addr 127.0.0.1:0 reports the port the kernel
// chose); supervisors wait for that line. SIGTERM or SIGINT shuts it down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"racefuzz/targets/orders/service"
)

// shutdownGrace bounds a graceful shutdown: requests a buggy variant hung (G2, G4)
// never finish, so after this the server is closed regardless.
const shutdownGrace = 5 * time.Second

func main() {
	os.Exit(daemon(os.Args[1:]))
}

// daemon runs until SIGTERM or SIGINT and returns the exit code.
func daemon(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, args, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ordersd:", err)
		return 1
	}
	return 0
}

type options struct {
	addr, pprofAddr, bugs string
	allowRemote, verbose  bool
	fuzzHooks             bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ordersd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defBugs := os.Getenv("ORDERS_BUGS")
	if defBugs == "" {
		defBugs = "all"
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address (loopback unless -allow-remote); port 0 picks one")
	fs.StringVar(&o.pprofAddr, "pprof-addr", "", "serve net/http/pprof on this second loopback address")
	fs.StringVar(&o.bugs, "bugs", defBugs, "planted bugs: all, none or a list like G1,G3,C2 (default from ORDERS_BUGS)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow non-loopback listen addresses")
	fs.BoolVar(&o.verbose, "v", false, "log every request to stderr")
	fs.BoolVar(&o.fuzzHooks, "fuzz-hooks", false, "serve /internal/reset and /internal/invariants for racefuzz")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

// checkLoopback refuses addresses reachable from other machines: the service has
// planted bugs and no real authentication.
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad address %q: %v", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing non-loopback address %q (use -allow-remote)", addr)
}

func listen(addr string, allowRemote bool) (net.Listener, error) {
	if err := checkLoopback(addr, allowRemote); err != nil {
		return nil, err
	}
	return net.Listen("tcp", addr)
}

func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	bugs, err := service.ParseBugs(o.bugs)
	if err != nil {
		return err
	}
	cfg := service.Config{Bugs: bugs}
	if o.verbose {
		cfg.Logger = log.New(stderr, "ordersd: ", log.LstdFlags|log.Lmicroseconds)
	}
	var servers []*http.Server
	if o.pprofAddr != "" {
		ln, err := listen(o.pprofAddr, o.allowRemote)
		if err != nil {
			return fmt.Errorf("pprof: %w", err)
		}
		servers = append(servers, serve(ln, pprofHandler(), stderr))
		fmt.Fprintf(stderr, "ordersd pprof on http://%s/debug/pprof/\n", ln.Addr())
	}
	ln, err := listen(o.addr, o.allowRemote)
	if err != nil {
		shutdown(servers)
		return err
	}
	var h http.Handler = service.New(cfg)
	if o.fuzzHooks {
		h = withFuzzHooks(h)
	}
	servers = append(servers, serve(ln, h, stderr))
	fmt.Fprintf(stderr, "ordersd listening on http://%s\n", ln.Addr())
	<-ctx.Done()
	return shutdown(servers)
}

func serve(ln net.Listener, h http.Handler, stderr io.Writer) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(stderr, "ordersd: http: ", log.LstdFlags),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "ordersd: serve:", err)
		}
	}()
	return srv
}

func shutdown(servers []*http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var first error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
			if first == nil {
				first = fmt.Errorf("shutdown: %w", err)
			}
		}
	}
	return first
}
