package adapter

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"strings"
)

// digest is the FNV-1a 64 hash of a response body, so results compare across runs
// without keeping bodies.
func digest(body []byte) uint64 {
	h := fnv.New64a()
	h.Write(body) // never fails
	return h.Sum64()
}

// maxIDLen bounds a learned id; longer strings are payloads, not ids.
const maxIDLen = 64

// LearnIDs calls add with every id-like value in a JSON response body: the string (or
// integer) values, 1..64 bytes long, of keys named "id" or ending in "_id" (any case),
// at any depth, in document order, each distinct value once. A body that is not JSON, or
// stops being JSON part way, yields what came before. The C side feeds the ids to the
// schedule mutator's dictionary so later inputs can name objects earlier ones created.
func LearnIDs(body []byte, add func(string)) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []bool // per open container: is it an object
	key, expectKey := "", false
	seen := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, d == '{')
			default:
				stack = stack[:len(stack)-1]
			}
			expectKey = len(stack) > 0 && stack[len(stack)-1]
			continue
		}
		if expectKey {
			key, expectKey = tok.(string), false
			continue
		}
		inObject := len(stack) > 0 && stack[len(stack)-1]
		if inObject && idKey(key) {
			learn(tok, seen, add)
		}
		expectKey = inObject
	}
}

// idKey reports whether a JSON key names an id.
func idKey(k string) bool {
	k = strings.ToLower(k)
	return k == "id" || strings.HasSuffix(k, "_id")
}

func learn(tok interface{}, seen map[string]bool, add func(string)) {
	var v string
	switch t := tok.(type) {
	case string:
		v = t
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			return
		}
		v = string(t)
	default:
		return
	}
	if len(v) == 0 || len(v) > maxIDLen || seen[v] {
		return
	}
	seen[v] = true
	add(v)
}
