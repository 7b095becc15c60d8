package main

import (
	"go/ast"
	"path"
	"strconv"
	"strings"
)

// The http-mode service section init proposes: build the module's main package with the
// race detector, start it on racefuzz's loopback address, wait for a line naming its URL.

// mainPackage picks the module's command: a package main with func main, preferring one
// that calls ListenAndServe. Returns nil when the module has none.
func (m *moduleScan) mainPackage() *goPackage {
	var best *goPackage
	bestServes := false
	for _, p := range m.Packages {
		if p.Name != "main" {
			continue
		}
		serves := callsName(p, "ListenAndServe") || callsName(p, "Serve") || callsName(p, "Run")
		if best == nil || serves && !bestServes {
			best, bestServes = p, serves
		}
	}
	return best
}

func callsName(p *goPackage, name string) bool {
	found := false
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == name {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// addrFlag finds flag.String("addr", ...) / flag.StringVar(&v, "listen", ...): the flag
// the service takes its listen address from.
func addrFlag(p *goPackage) string {
	flagName := ""
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || flagName != "" {
				return flagName == ""
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "String" && sel.Sel.Name != "StringVar") || len(c.Args) < 2 {
				return true
			}
			arg := c.Args[0]
			if sel.Sel.Name == "StringVar" {
				arg = c.Args[1]
			}
			if lit, ok := arg.(*ast.BasicLit); ok {
				name, _ := strconv.Unquote(lit.Value)
				l := strings.ToLower(name)
				if strings.Contains(l, "addr") || strings.Contains(l, "listen") {
					flagName = name
				}
			}
			return true
		})
	}
	return flagName
}

// healthPath is a GET endpoint that looks like a health check, or "".
func healthPath(eps []endpoint) string {
	for _, e := range eps {
		switch e.Path {
		case "/healthz", "/health", "/ping", "/ready", "/readyz", "/livez", "/status":
			if e.Method == "GET" {
				return e.Path
			}
		}
	}
	return ""
}

// serviceJSON is the service section: a command for http mode and the path parameters.
func serviceJSON(m *moduleScan, eps []endpoint, params *obj) *obj {
	s := newObj()
	bin := "service"
	pkgDir := "."
	var guesses []string
	mp := (*goPackage)(nil)
	if m != nil {
		mp = m.mainPackage()
		bin = path.Base(m.Path)
	}
	if mp != nil {
		pkgDir = "./" + mp.Dir
		if mp.Dir == "." {
			pkgDir = "."
		} else {
			bin = path.Base(mp.Dir)
		}
	} else if m != nil {
		guesses = append(guesses, "build: no package main found; name your service's command")
	}
	s.set("build", []string{"go", "build", "-race", "-o", "{out}/" + bin, pkgDir})
	cmd := []string{"{out}/" + bin}
	if mp != nil {
		if f := addrFlag(mp); f != "" {
			cmd = append(cmd, "-"+f, "{addr}")
		} else {
			guesses = append(guesses, "command: no address flag found; the service must listen "+
				"on {addr} (loopback, port 0: any free port)")
		}
	} else {
		cmd = append(cmd, "-addr", "{addr}")
		guesses = append(guesses, "command: how the service takes its listen address")
	}
	s.set("command", cmd)
	s.set("addr", "127.0.0.1:0")
	s.set("ready_line", `(http://[0-9.:]+)`)
	guesses = append(guesses, "ready_line: the service must print its URL once it listens, e.g. "+
		"\"listening on http://127.0.0.1:PORT\" (group 1 is the URL)")
	if h := healthPath(eps); h != "" {
		s.set("health", h)
	}
	s.set("_todo_reset", "a POST path that returns the service to a fresh process's state "+
		"before every input, set as \"reset\" (advised: without it state accumulates)")
	s.set("_guess", strings.Join(guesses, "; "))
	s.set("path_params", params)
	return s
}
