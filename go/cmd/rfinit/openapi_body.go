package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// maxSynthDepth bounds a made-up example's nesting (recursive schemas, deep specs).
const maxSynthDepth = 8

// requestBody (3.x) sets the endpoint's body kind and example from its content.
func (s *spec) requestBody(e *endpoint, v interface{}) error {
	if v == nil {
		return nil
	}
	rb, err := s.resolveMap(v)
	if err != nil || rb == nil {
		return fmt.Errorf("requestBody: %v", orNotObject(err))
	}
	content, _ := rb["content"].(jmap)
	for _, ct := range sortedJSONKeys(content) {
		media, err := s.resolveMap(content[ct])
		if err != nil || media == nil {
			return fmt.Errorf("requestBody.content[%q]: %v", ct, orNotObject(err))
		}
		if isJSON(ct) {
			return s.jsonBody(e, media, ct)
		}
	}
	for _, ct := range sortedJSONKeys(content) {
		media, _ := s.resolveMap(content[ct])
		e.Body = "raw"
		e.Example = scalarString(media["example"])
		addHeader(e, "Content-Type", ct)
		if e.Example == "" {
			e.Guess = append(e.Guess, "body: "+ct+" without an example: fill in \"example\"")
		}
		return nil
	}
	return nil
}

func isJSON(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	return ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "*/*"
}

// jsonBody takes the media type's example, else its schema's, else one made up.
func (s *spec) jsonBody(e *endpoint, media jmap, ct string) error {
	e.Body = "json"
	addHeader(e, "Content-Type", "application/json")
	if ex, ok := media["example"]; ok {
		e.Example = ex
		return nil
	}
	if exs, ok := media["examples"].(jmap); ok {
		for _, k := range sortedJSONKeys(exs) {
			exm, err := s.resolveMap(exs[k])
			if err != nil {
				return fmt.Errorf("requestBody.content[%q].examples[%q]: %v", ct, k, err)
			}
			if v, ok := exm["value"]; ok {
				e.Example = v
				return nil
			}
		}
	}
	v, made, err := s.synth(media["schema"], 0, map[string]bool{})
	if err != nil {
		return fmt.Errorf("requestBody.content[%q].schema: %v", ct, err)
	}
	e.Example = v
	if made {
		e.Guess = append(e.Guess, "body: example made up from the schema")
	}
	return nil
}

// swaggerBody is 2.0's "in: body" parameter.
func (s *spec) swaggerBody(e *endpoint, p jmap) error {
	e.Body = "json"
	addHeader(e, "Content-Type", "application/json")
	if ex, ok := p["x-example"]; ok {
		e.Example = ex
		return nil
	}
	v, made, err := s.synth(p["schema"], 0, map[string]bool{})
	if err != nil {
		return fmt.Errorf("body parameter schema: %v", err)
	}
	e.Example = v
	if made {
		e.Guess = append(e.Guess, "body: example made up from the schema")
	}
	return nil
}

// synth makes an example value from a schema: the schema's example, enum or default
// where it has one, else values by type. A $ref already being expanded (a recursive
// schema) becomes null. made reports whether anything was made up.
func (s *spec) synth(v interface{}, depth int, visiting map[string]bool) (interface{}, bool, error) {
	m, ok := v.(jmap)
	if !ok || depth > maxSynthDepth {
		return nil, true, nil
	}
	if ref, ok := m["$ref"].(string); ok {
		if visiting[ref] {
			return nil, true, nil
		}
		t, err := s.resolve(m)
		if err != nil {
			return nil, false, err
		}
		visiting[ref] = true
		defer delete(visiting, ref)
		return s.synth(t, depth+1, visiting)
	}
	if ex, ok := m["example"]; ok {
		return ex, false, nil
	}
	if exs, ok := m["examples"].([]interface{}); ok && len(exs) > 0 {
		return exs[0], false, nil
	}
	if enum, ok := m["enum"].([]interface{}); ok && len(enum) > 0 {
		return enum[0], false, nil
	}
	if d, ok := m["default"]; ok {
		return d, false, nil
	}
	return s.synthByType(m, depth, visiting)
}

func (s *spec) synthByType(m jmap, depth int, visiting map[string]bool) (interface{}, bool, error) {
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		if l, ok := m[k].([]interface{}); ok && len(l) > 0 {
			if k != "allOf" {
				return s.synth(l[0], depth+1, visiting)
			}
			return s.synthAllOf(l, depth, visiting)
		}
	}
	switch schemaType(m) {
	case "array":
		item, made, err := s.synth(m["items"], depth+1, visiting)
		if err != nil || item == nil {
			return []interface{}{}, true, err
		}
		return []interface{}{item}, made, nil
	case "integer", "number":
		return 1.0, true, nil
	case "boolean":
		return true, true, nil
	case "string":
		return stringExample(scalarString(m["format"])), true, nil
	case "null":
		return nil, true, nil
	}
	if props, ok := m["properties"].(jmap); ok || schemaType(m) == "object" {
		o := newObj()
		made := true
		for _, k := range sortedJSONKeys(props) {
			v, _, err := s.synth(props[k], depth+1, visiting)
			if err != nil {
				return nil, false, err
			}
			o.set(k, v)
		}
		return o, made, nil
	}
	return nil, true, nil
}

func (s *spec) synthAllOf(l []interface{}, depth int, visiting map[string]bool) (interface{}, bool, error) {
	o := newObj()
	for _, part := range l {
		v, _, err := s.synth(part, depth+1, visiting)
		if err != nil {
			return nil, false, err
		}
		if po, ok := v.(*obj); ok {
			for _, k := range po.keys {
				o.set(k, po.vals[k])
			}
		} else if pm, ok := v.(jmap); ok {
			for _, k := range sortedJSONKeys(pm) {
				o.set(k, pm[k])
			}
		}
	}
	return o, true, nil
}

func stringExample(format string) string {
	switch format {
	case "uuid":
		return "00000000-0000-4000-8000-000000000001"
	case "date-time":
		return "2024-01-02T03:04:05Z"
	case "date":
		return "2024-01-02"
	case "email":
		return "user@example.com"
	case "uri", "url":
		return "http://127.0.0.1/x"
	}
	return "a"
}

// security adds the headers the operation's first security requirement needs, with
// made-up credentials marked as a guess.
func (s *spec) security(e *endpoint, op jmap) error {
	reqs, ok := op["security"].([]interface{})
	if !ok {
		reqs, _ = s.root["security"].([]interface{})
	}
	if len(reqs) == 0 {
		return nil
	}
	req, _ := reqs[0].(jmap)
	for _, name := range sortedJSONKeys(req) {
		def, err := s.scheme(name)
		if err != nil {
			return err
		}
		s.applyScheme(e, name, def)
	}
	return nil
}

func (s *spec) scheme(name string) (jmap, error) {
	var defs jmap
	if s.swagger {
		defs, _ = s.root["securityDefinitions"].(jmap)
	} else if comp, ok := s.root["components"].(jmap); ok {
		defs, _ = comp["securitySchemes"].(jmap)
	}
	def, err := s.resolveMap(defs[name])
	if err != nil {
		return nil, fmt.Errorf("security scheme %q: %v", name, err)
	}
	if def == nil {
		return nil, fmt.Errorf("security scheme %q: not defined", name)
	}
	return def, nil
}

func (s *spec) applyScheme(e *endpoint, name string, def jmap) {
	guess := "auth (" + name + "): a made-up credential: put a valid one here"
	switch t := scalarString(def["type"]); {
	case t == "apiKey" && scalarString(def["in"]) == "header":
		addHeader(e, scalarString(def["name"]), "racefuzz-api-key")
	case t == "apiKey" && scalarString(def["in"]) == "query":
		sep := "?"
		if strings.Contains(e.Path, "?") {
			sep = "&"
		}
		e.Path += sep + url.QueryEscape(scalarString(def["name"])) + "=racefuzz-api-key"
	case t == "basic" || t == "http" && strings.EqualFold(scalarString(def["scheme"]), "basic"):
		addHeader(e, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user:password")))
	case t == "http" || t == "oauth2" || t == "openIdConnect":
		addHeader(e, "Authorization", "Bearer racefuzz-token")
	default:
		guess = "auth (" + name + "): scheme type \"" + t + "\" not supported: add its header"
	}
	e.Guess = append(e.Guess, guess)
}
