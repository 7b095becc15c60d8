package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// endpoint is one route as init found it, before it becomes an entry of "endpoints".
type endpoint struct {
	Method  string
	Path    string // racefuzz template: {name} segments, optional query
	Headers map[string]string
	Body    string      // none, json, raw
	Example interface{} // for json: any value; for raw: a string
	Guess   []string    // what init assumed about this endpoint, written as "_guess"
	Source  string      // file:line (routes) or "METHOD path" of the spec
}

// param is the values proposed for one {name} of the endpoints' paths.
type param struct {
	Values []string
	Guess  string // non-empty when init made the values up
}

// methods racefuzz schedules can carry (mutators/schedule.h).
var knownMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "DELETE": true,
	"PATCH": true, "HEAD": true}

var paramNameRe = regexp.MustCompile(`\{([^{}]*)\}`)

// validParamValue mirrors corpus/endpoints.c: 1..128 visible characters without / ? # { }.
func validParamValue(v string) bool {
	if len(v) == 0 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("/?#{}", c) >= 0 {
			return false
		}
	}
	return true
}

// validPath mirrors the loader's template rule: starts with '/', visible ASCII, <= 2048.
func validPath(p string) bool {
	if !strings.HasPrefix(p, "/") || len(p) > 2048 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] <= ' ' || p[i] >= 0x7f {
			return false
		}
	}
	return strings.Count(p, "{") <= 16
}

// sanitizeParam makes a wildcard name the loader accepts (letters, digits, '_', '-').
func sanitizeParam(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x80 && (r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' ||
			r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "param"
	}
	return b.String()
}

// pathParams lists the {name}s of a template in order.
func pathParams(path string) []string {
	var out []string
	for _, m := range paramNameRe.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

// guessValues proposes values for a parameter init knows nothing about but its name.
func guessValues(name string) []string {
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, "id") || l == "n" || strings.HasSuffix(l, "num") ||
		strings.HasSuffix(l, "number") || l == "page" || l == "index":
		return []string{"1", "2", "3"}
	case strings.Contains(l, "path") || strings.Contains(l, "file"):
		return []string{"a.txt", "b.txt"}
	}
	return []string{"a", "b", "c"}
}

// dedupe merges endpoints with the same method and path (the loader refuses duplicates),
// keeping the first and its guesses.
func dedupe(eps []endpoint) []endpoint {
	seen := map[string]bool{}
	var out []endpoint
	for _, e := range eps {
		k := e.Method + " " + e.Path
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// endpointsJSON renders endpoints in the loader's format, each guess beside the entry.
func endpointsJSON(eps []endpoint) []interface{} {
	out := []interface{}{}
	for _, e := range eps {
		o := newObj().set("method", e.Method).set("path", e.Path)
		if len(e.Headers) > 0 {
			h := newObj()
			for _, k := range sortedKeys(e.Headers) {
				h.set(k, e.Headers[k])
			}
			o.set("headers", h)
		}
		body := e.Body
		if body == "" {
			body = "none"
		}
		o.set("body", body)
		if e.Example != nil && body != "none" {
			o.set("example", e.Example)
		}
		if len(e.Guess) > 0 {
			o.set("_guess", strings.Join(e.Guess, "; "))
		}
		if e.Source != "" {
			o.set("_from", e.Source)
		}
		out = append(out, o)
	}
	return out
}

// paramsJSON renders service.path_params, making up values for names nobody gave.
func paramsJSON(eps []endpoint, known map[string]*param) *obj {
	o := newObj()
	names := map[string]bool{}
	for _, e := range eps {
		for _, n := range pathParams(e.Path) {
			names[n] = true
		}
	}
	var guesses []string
	for _, n := range sortedKeys(names) {
		p := known[n]
		if p == nil || len(p.Values) == 0 {
			p = &param{Values: guessValues(n), Guess: "made up from the name"}
		}
		o.set(n, p.Values)
		if p.Guess != "" {
			guesses = append(guesses, fmt.Sprintf("%s: %s", n, p.Guess))
		}
	}
	if len(guesses) > 0 {
		o.set("_guess", "values to replace with ones your service knows (ids that exist, "+
			"so requests reach the code behind the lookup): "+strings.Join(guesses, "; "))
	}
	return o
}

func sortedKeys(m interface{}) []string {
	var keys []string
	switch t := m.(type) {
	case map[string]string:
		for k := range t {
			keys = append(keys, k)
		}
	case map[string]bool:
		for k := range t {
			keys = append(keys, k)
		}
	case map[string]interface{}:
		for k := range t {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func relPath(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}
