package main

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// operation turns one operation of a path into an endpoint; params collects path
// parameter values across operations.
func (s *spec) operation(path, method string, item jmap, opv interface{},
	params map[string]*param) (endpoint, error) {
	e := endpoint{Method: method, Body: "none", Source: "spec: " + method + " " + path}
	op, err := s.resolveMap(opv)
	if err != nil || op == nil {
		return e, orNotObject(err)
	}
	ps, err := s.parameters(item["parameters"], op["parameters"])
	if err != nil {
		return e, err
	}
	var query []string
	for _, p := range ps {
		name := scalarString(p["name"])
		switch scalarString(p["in"]) {
		case "path":
			clean := sanitizeParam(name)
			path = strings.ReplaceAll(path, "{"+name+"}", "{"+clean+"}")
			s.addParam(params, clean, p)
		case "query":
			if p["required"] == true {
				v, _ := s.exampleOf(p)
				query = append(query, url.QueryEscape(name)+"="+url.QueryEscape(v))
			}
		case "header":
			if p["required"] == true {
				v, _ := s.exampleOf(p)
				addHeader(&e, name, v)
			}
		case "body":
			if err := s.swaggerBody(&e, p); err != nil {
				return e, err
			}
		}
	}
	if len(query) > 0 {
		path += "?" + strings.Join(query, "&")
	}
	e.Path = path
	if err := s.requestBody(&e, op["requestBody"]); err != nil {
		return e, err
	}
	if err := s.security(&e, op); err != nil {
		return e, err
	}
	return e, nil
}

func orNotObject(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("not an object")
}

func addHeader(e *endpoint, name, value string) {
	if e.Headers == nil {
		e.Headers = map[string]string{}
	}
	e.Headers[name] = value
}

// parameters merges path-level and operation-level parameters; the operation's win.
func (s *spec) parameters(lists ...interface{}) ([]jmap, error) {
	byKey := map[string]jmap{}
	var order []string
	for _, l := range lists {
		if l == nil {
			continue
		}
		arr, ok := l.([]interface{})
		if !ok {
			return nil, fmt.Errorf("parameters: not an array")
		}
		for i, pv := range arr {
			p, err := s.resolveMap(pv)
			if err != nil || p == nil {
				return nil, fmt.Errorf("parameters[%d]: %v", i, orNotObject(err))
			}
			k := scalarString(p["in"]) + " " + scalarString(p["name"])
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = p
		}
	}
	out := make([]jmap, 0, len(order))
	for _, k := range order {
		out = append(out, byKey[k])
	}
	return out, nil
}

// addParam adds the values a parameter's examples, enum or default give, or made-up ones
// from its type (marked as a guess) when it gives none.
func (s *spec) addParam(params map[string]*param, name string, p jmap) {
	vals := s.paramValues(p)
	cur := params[name]
	if cur == nil {
		cur = &param{}
		params[name] = cur
	}
	if len(vals) == 0 {
		if len(cur.Values) == 0 {
			v, _ := s.exampleOf(p)
			cur.Values = []string{v}
			cur.Guess = "the spec gives no example or enum: made up from the type"
		}
		return
	}
	if cur.Guess != "" { // real values replace made-up ones
		cur.Values, cur.Guess = nil, ""
	}
	for _, v := range vals {
		if validParamValue(v) && !contains(cur.Values, v) && len(cur.Values) < 256 {
			cur.Values = append(cur.Values, v)
		}
	}
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// paramValues are the spec's own values for a parameter: example, examples, enum,
// default, x-example; in the parameter or its schema (2.0 keeps them beside "type").
func (s *spec) paramValues(p jmap) []string {
	var out []string
	add := func(v interface{}) {
		if t := scalarString(v); t != "" {
			out = append(out, t)
		}
	}
	for _, m := range []jmap{p, s.schemaOf(p)} {
		if m == nil {
			continue
		}
		add(m["example"])
		add(m["x-example"])
		if ex, ok := m["examples"].(jmap); ok {
			for _, k := range sortedKeys(ex) {
				if exm, err := s.resolveMap(ex[k]); err == nil && exm != nil {
					add(exm["value"])
				}
			}
		}
		if ex, ok := m["examples"].([]interface{}); ok { // 3.1 schemas: an array
			for _, v := range ex {
				add(v)
			}
		}
		if enum, ok := m["enum"].([]interface{}); ok {
			for _, v := range enum {
				add(v)
			}
		}
		add(m["default"])
	}
	return out
}

func (s *spec) schemaOf(p jmap) jmap {
	m, _ := s.resolveMap(p["schema"])
	return m
}

// exampleOf is one value for a parameter: its own, else one made up from its type.
func (s *spec) exampleOf(p jmap) (string, bool) {
	if v := s.paramValues(p); len(v) > 0 {
		return v[0], true
	}
	sch := s.schemaOf(p)
	if sch == nil {
		sch = p
	}
	switch schemaType(sch) {
	case "integer", "number":
		return "1", false
	case "boolean":
		return "true", false
	}
	if scalarString(sch["format"]) == "uuid" {
		return "00000000-0000-4000-8000-000000000001", false
	}
	return "a", false
}

// schemaType is "type", or the first non-null one of a 3.1 type array.
func schemaType(sch jmap) string {
	if t, ok := sch["type"].([]interface{}); ok {
		for _, x := range t {
			if scalarString(x) != "null" {
				return scalarString(x)
			}
		}
	}
	return scalarString(sch["type"])
}

func sortedJSONKeys(m jmap) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
