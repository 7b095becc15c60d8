package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
)

// An OpenAPI 3.0/3.1 or Swagger 2.0 document, read as plain JSON values (from JSON, or
// YAML through parseYAML). Only local references ("#/...") are followed; a chain of
// references that comes back to itself is an error, a recursive schema is expanded once.
type spec struct {
	file    string
	root    map[string]interface{}
	swagger bool // 2.0
}

type jmap = map[string]interface{}

// maxSpecSize bounds what is read: specs are documents people write, not data dumps.
const maxSpecSize = 16 << 20

func loadSpec(file string) (*spec, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, errUnwrap(err))
	}
	if len(data) > maxSpecSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, maxSpecSize)
	}
	v, err := decodeSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	s, err := newSpec(file, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return s, nil
}

func errUnwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// decodeSpec reads JSON when the text starts like JSON, YAML otherwise.
func decodeSpec(data []byte) (interface{}, error) {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) > 0 && t[0] == '{' {
		var v interface{}
		d := json.NewDecoder(bytes.NewReader(t))
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		return v, nil
	}
	v, err := parseYAML(data)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML (or YAML racefuzz does not read): %v", err)
	}
	return v, nil
}

func newSpec(file string, v interface{}) (*spec, error) {
	root, ok := v.(jmap)
	if !ok {
		return nil, fmt.Errorf("the top level is not an object")
	}
	s := &spec{file: file, root: root}
	switch {
	case strings.HasPrefix(scalarString(root["openapi"]), "3."):
	case scalarString(root["swagger"]) == "2.0" || scalarString(root["swagger"]) == "2":
		s.swagger = true
	default:
		return nil, fmt.Errorf("not an OpenAPI 3.x or Swagger 2.0 document (no \"openapi\": \"3.x\" or \"swagger\": \"2.0\")")
	}
	if _, ok := root["paths"].(jmap); !ok {
		return nil, fmt.Errorf("\"paths\": missing or not an object")
	}
	return s, nil
}

func (s *spec) title() string {
	if info, ok := s.root["info"].(jmap); ok {
		return scalarString(info["title"])
	}
	return ""
}

// scalarString renders a scalar as text (numbers without a trailing .0); "" otherwise.
func scalarString(v interface{}) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		if t == float64(int64(t)) {
			return fmt.Sprintf("%d", int64(t))
		}
		return fmt.Sprintf("%g", t)
	case json.Number:
		return t.String()
	case bool:
		return fmt.Sprintf("%t", t)
	}
	return ""
}

// resolve follows $ref until a value without one; a cycle of references is an error.
func (s *spec) resolve(v interface{}) (interface{}, error) {
	seen := map[string]bool{}
	for {
		m, ok := v.(jmap)
		if !ok {
			return v, nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v, nil
		}
		if seen[ref] {
			return nil, fmt.Errorf("$ref cycle through %q", ref)
		}
		seen[ref] = true
		t, err := s.pointer(ref)
		if err != nil {
			return nil, err
		}
		v = t
	}
}

// pointer looks up a local JSON pointer ("#/components/schemas/Item").
func (s *spec) pointer(ref string) (interface{}, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("$ref %q: only references inside the document (#/...) are supported", ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return nil, fmt.Errorf("$ref %q: %v", ref, err)
	}
	var cur interface{} = s.root
	if frag == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case jmap:
			next, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("$ref %q: no %q", ref, tok)
			}
			cur = next
		case []interface{}:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil, fmt.Errorf("$ref %q: no index %q", ref, tok)
			}
			cur = t[i]
		default:
			return nil, fmt.Errorf("$ref %q: %q is not inside an object", ref, tok)
		}
	}
	return cur, nil
}

func (s *spec) resolveMap(v interface{}) (jmap, error) {
	r, err := s.resolve(v)
	if err != nil {
		return nil, err
	}
	m, _ := r.(jmap)
	return m, nil
}

// basePath is the path part of the first server URL (3.x) or basePath (2.0).
func (s *spec) basePath() string {
	var p string
	if s.swagger {
		p = scalarString(s.root["basePath"])
	} else if servers, ok := s.root["servers"].([]interface{}); ok && len(servers) > 0 {
		if sv, ok := servers[0].(jmap); ok {
			raw := scalarString(sv["url"])
			if u, err := url.Parse(raw); err == nil && !strings.Contains(raw, "{") {
				p = u.Path
			}
		}
	}
	return strings.TrimRight(p, "/")
}

var specMethods = []string{"get", "put", "post", "delete", "patch", "head"}

// endpoints lists every operation racefuzz can send, with path parameter values.
func (s *spec) endpoints(skipped *[]string) ([]endpoint, map[string]*param, error) {
	paths := s.root["paths"].(jmap)
	params := map[string]*param{}
	var out []endpoint
	base := s.basePath()
	for _, p := range sortedKeys(paths) {
		item, err := s.resolveMap(paths[p])
		if err != nil {
			return nil, nil, fmt.Errorf("paths[%q]: %v", p, err)
		}
		if item == nil {
			return nil, nil, fmt.Errorf("paths[%q]: not an object", p)
		}
		for _, m := range specMethods {
			op, ok := item[m]
			if !ok {
				continue
			}
			e, err := s.operation(base+p, strings.ToUpper(m), item, op, params)
			if err != nil {
				return nil, nil, fmt.Errorf("paths[%q].%s: %v", p, m, err)
			}
			if !validPath(e.Path) {
				*skipped = append(*skipped, fmt.Sprintf("%s %s: not a request target racefuzz can send", e.Method, p))
				continue
			}
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, params, nil
}
