// Command testserver is a tiny HTTP service for racefuzz's remote-coverage test
// (tests/test_remote_cov.c). It listens on the address in its first argument
// (default 127.0.0.1:0), prints "listening <addr>" on stdout, and serves /a and
// /b, two handlers with branches of their own.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	_ "racefuzz/go/cover"
)

func handleA(w http.ResponseWriter, r *http.Request) {
	n := len(r.URL.Query().Get("q"))
	if n > 3 {
		n = 3
	}
	fmt.Fprintf(w, "a%d\n", n)
}

func handleB(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	for i := 0; i < 4; i++ {
		switch {
		case i%2 == 0:
			b.WriteString("even ")
		case r.Method == http.MethodPost:
			b.WriteString("post ")
		default:
			b.WriteString("odd ")
		}
	}
	fmt.Fprintln(w, b.String())
}

func main() {
	addr := "127.0.0.1:0"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/a", handleA)
	mux.HandleFunc("/b", handleB)
	fmt.Printf("listening %s\n", ln.Addr())
	os.Stdout.Sync()
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
