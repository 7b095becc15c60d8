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
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode renders v indented by two spaces, without HTML escaping (paths keep their '&').
func encode(v interface{}) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
