package main

import (
	"regexp"
	"strings"
)

// A route's path as written, in racefuzz's template form ({name} segments):
//   stdlib (Go 1.22): {id} stays, {rest...} becomes {rest}, {$} (exact match) goes
//   mux (gorilla, chi): {id} and {id:[0-9]+} become {id} (the regexp hints the values)
//   colon (gin, echo): :id becomes {id}, *rest becomes {rest}

var muxParamRe = regexp.MustCompile(`\{([^{}:]+)(?::([^{}]*(?:\{[^{}]*\}[^{}]*)*))?\}`)

// template converts a route path; hints maps parameter names to values a regexp implied.
func template(path, style string, hints map[string][]string) string {
	switch style {
	case "stdlib":
		path = strings.ReplaceAll(path, "{$}", "")
		return paramNameRe.ReplaceAllStringFunc(path, func(m string) string {
			n := strings.TrimSuffix(m[1:len(m)-1], "...")
			return "{" + sanitizeParam(n) + "}"
		})
	case "colon":
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
				segs[i] = "{" + sanitizeParam(s[1:]) + "}"
			} else if s == "*" {
				segs[i] = "{rest}"
			}
		}
		return strings.Join(segs, "/")
	}
	return muxParamRe.ReplaceAllStringFunc(path, func(m string) string {
		sub := muxParamRe.FindStringSubmatch(m)
		n := sanitizeParam(sub[1])
		if v := regexpValues(sub[2]); v != nil && hints != nil {
			hints[n] = v
		}
		if sub[2] == "*" || strings.HasSuffix(n, "...") {
			n = strings.TrimSuffix(n, "...")
		}
		return "{" + n + "}"
	})
}

// regexpValues proposes values matching a parameter's regexp, for the common ones.
func regexpValues(re string) []string {
	switch re {
	case "":
		return nil
	case "[0-9]+", `\d+`, "[0-9]*", `\d*`, "[1-9][0-9]*":
		return []string{"1", "2", "3"}
	case "[a-z]+", "[a-zA-Z]+", "[A-Za-z]+":
		return []string{"a", "b", "c"}
	}
	if alts := strings.Split(strings.Trim(re, "()"), "|"); len(alts) > 1 {
		var out []string
		for _, a := range alts {
			if validParamValue(a) && regexp.QuoteMeta(a) == a {
				out = append(out, a)
			}
		}
		if len(out) == len(alts) {
			return out
		}
	}
	return nil
}

// routeEndpoints turns routes into endpoints: a route for any method becomes a GET
// (marked as a guess), methods racefuzz cannot send are skipped and reported.
func routeEndpoints(routes []route, hints map[string][]string, skipped *[]string) []endpoint {
	var out []endpoint
	for _, r := range routes {
		path := template(r.Path, r.Style, hints)
		if !validPath(path) {
			*skipped = append(*skipped, r.Pos+": path "+r.Path+" is not a request target racefuzz can send")
			continue
		}
		methods := r.Methods
		var guess []string
		if len(methods) == 0 {
			methods = []string{"GET"}
			guess = append(guess, "the route takes any method: GET assumed")
		}
		for _, m := range methods {
			if !knownMethods[m] {
				*skipped = append(*skipped, r.Pos+": method "+m+" is not one racefuzz sends")
				continue
			}
			e := endpoint{Method: m, Path: path, Body: "none", Source: r.Pos,
				Guess: append([]string(nil), guess...)}
			if m == "POST" || m == "PUT" || m == "PATCH" {
				e.Body = "json"
				e.Example = map[string]interface{}{}
				e.Guess = append(e.Guess, "body: JSON assumed, example {} to fill in")
			}
			out = append(out, e)
		}
	}
	return out
}
