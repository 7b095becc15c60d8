// Command rfinit is the Go half of `racefuzz init`: it reads a Go module's sources (the
// HTTP routes it registers, a constructor of its handler, its main package) and/or an
// OpenAPI or Swagger document, and writes a proposed racefuzz.json (-out FILE, or stdout). Every value
// it had to guess has a "_guess" key beside it; racefuzz's config loader ignores keys
// starting with '_'. The C side (cli/cmd_init.c) checks the result loads and writes it.
//
// Exit codes: 0 written, 2 bad input (the file and the problem on stderr), 3 cannot write.
// Standard library only; builds with Go 1.19.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	dir := flag.String("dir", ".", "the Go module's directory")
	spec := flag.String("openapi", "", "an OpenAPI 3.0/3.1 or Swagger 2.0 file (JSON or YAML)")
	name := flag.String("name", "", "the target's name (default: from the module or the spec)")
	outFile := flag.String("out", "", "where to write the config (default: stdout)")
	flag.Parse()
	out, err := run(*dir, *spec, *name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "racefuzz init: %v\n", err)
		os.Exit(2)
	}
	if *outFile == "" {
		_, err = os.Stdout.Write(out)
	} else {
		err = os.WriteFile(*outFile, out, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "racefuzz init: %v\n", err)
		os.Exit(3)
	}
}

func run(dir, spec, name string) ([]byte, error) {
	var m *moduleScan
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil || spec == "" {
		var err error
		if m, err = scanModule(dir); err != nil {
			return nil, err
		}
	}
	var eps []endpoint
	params := map[string]*param{}
	var skipped []string
	var title string
	if spec != "" {
		s, err := loadSpec(spec)
		if err != nil {
			return nil, err
		}
		if eps, params, err = s.endpoints(&skipped); err != nil {
			return nil, fmt.Errorf("%s: %v", spec, err)
		}
		title = s.title()
	} else {
		hints := map[string][]string{}
		eps = routeEndpoints(m.routes(), hints, &skipped)
		for n, v := range hints {
			params[n] = &param{Values: v, Guess: "from the route's regexp"}
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "racefuzz init: skipped %s\n", s)
	}
	eps = dedupe(eps)
	if len(eps) == 0 {
		where := dir
		if spec != "" {
			where = spec
		}
		return nil, fmt.Errorf("%s: no HTTP endpoint found (routes are recognised when "+
			"registered with a literal path: see docs/your-own-target.md)", where)
	}
	return encode(config(m, eps, params, targetName(name, m, title), spec))
}

var nameBad = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// targetName makes a name the CLI accepts as one path component.
func targetName(name string, m *moduleScan, title string) string {
	if name == "" && m != nil {
		name = filepath.Base(m.Path)
	}
	if name == "" {
		name = title
	}
	name = strings.Trim(nameBad.ReplaceAllString(name, "-"), "-.")
	if name == "" {
		name = "service"
	}
	return name
}

func config(m *moduleScan, eps []endpoint, params map[string]*param, name, spec string) *obj {
	c := newObj().set("name", name)
	from := "the routes in the Go sources"
	if spec != "" {
		from = "the OpenAPI document " + spec
	}
	c.set("_comment", "Proposed by racefuzz init from "+from+". Keys starting with '_' are "+
		"notes racefuzz ignores: a \"_guess\" says what init assumed for the values beside it, "+
		"a \"_todo_*\" names a hook to add; check them, then delete the notes. See "+
		"docs/your-own-target.md and docs/target-config.md.")
	if m != nil {
		g := m.proposeHandler(m.routes())
		c.set("go", newObj().set("module_dir", ".").set("package", g.Package).
			set("handler", g.Expr).set("_guess", "package and handler: "+g.Why).
			set("_todo_reset", "a Go statement run before every input that returns every "+
				"piece of state requests reach to a fresh process's (e.g. server.Reset()), "+
				"set as \"reset\"; see docs/go-mode.md"))
	}
	c.set("service", serviceJSON(m, eps, paramsJSON(eps, params)))
	c.set("endpoints", endpointsJSON(eps))
	return c
}
