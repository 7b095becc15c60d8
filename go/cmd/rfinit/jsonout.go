package main

import (
	"bytes"
	"encoding/json"
)

// obj is a JSON object that keeps its keys in insertion order, so the config init writes
// reads top-down like the hand-written ones (name, go, service, endpoints).
type obj struct {
	keys []string
	vals map[string]interface{}
}

func newObj() *obj { return &obj{vals: map[string]interface{}{}} }

// set adds or replaces key; a replaced key keeps its place.
func (o *obj) set(key string, v interface{}) *obj {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
	return o
}

func (o *obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshalNoEscape(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode renders v with one key a line, two spaces a level, and arrays of scalars on one
// line (["1", "2"]) as the hand-written configs have them; no HTML escaping.
func encode(v interface{}) ([]byte, error) {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := pretty(&out, compact.Bytes(), ""); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// pretty re-indents one compact JSON value, keeping key order (it works on the text).
func pretty(out *bytes.Buffer, js []byte, indent string) error {
	js = bytes.TrimSpace(js)
	if len(js) == 0 || (js[0] != '{' && js[0] != '[') {
		out.Write(js)
		return nil
	}
	var raw []json.RawMessage
	var keys []string
	if js[0] == '[' {
		if err := json.Unmarshal(js, &raw); err != nil {
			return err
		}
		if scalars(raw) {
			return inline(out, raw)
		}
	} else {
		var err error
		if keys, raw, err = objectParts(js); err != nil {
			return err
		}
	}
	if len(raw) == 0 {
		out.WriteString(map[byte]string{'{': "{}", '[': "[]"}[js[0]])
		return nil
	}
	out.WriteByte(js[0])
	for i, r := range raw {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString("\n" + indent + "  ")
		if keys != nil {
			kb, _ := marshalNoEscape(keys[i])
			out.Write(kb)
			out.WriteString(": ")
		}
		if err := pretty(out, r, indent+"  "); err != nil {
			return err
		}
	}
	out.WriteString("\n" + indent)
	out.WriteByte(map[byte]byte{'{': '}', '[': ']'}[js[0]])
	return nil
}

func scalars(raw []json.RawMessage) bool {
	for _, r := range raw {
		t := bytes.TrimSpace(r)
		if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return false
		}
	}
	return true
}

func inline(out *bytes.Buffer, raw []json.RawMessage) error {
	out.WriteByte('[')
	for i, r := range raw {
		if i > 0 {
			out.WriteString(", ")
		}
		out.Write(bytes.TrimSpace(r))
	}
	out.WriteByte(']')
	return nil
}

// objectParts splits a compact object into its keys and raw values, in order.
func objectParts(js []byte) ([]string, []json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(js))
	if _, err := d.Token(); err != nil {
		return nil, nil, err
	}
	keys := []string{}
	var vals []json.RawMessage
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, t.(string))
		vals = append(vals, v)
	}
	return keys, vals, nil
}

// marshalNoEscape is json.Marshal without HTML escaping ("&" stays "&" in a query).
func marshalNoEscape(v interface{}) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n"), err
}
