package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestYAMLShouldReadTheSubsetSpecsUse(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"block map and scalars", "a: 1\nb: two\nc: true\nd: ~\ne: '3'\nf: \"x\\ty\"\ng: -1.5e2\n",
			`{"a":1,"b":"two","c":true,"d":null,"e":"3","f":"x\ty","g":-150}`},
		{"nested and sequences", "paths:\n  /items/{id}:\n    get:\n      tags: [a, \"b c\"]\n" +
			"      parameters:\n      - name: id\n        in: path\n      -   name: q\n          in: query\n",
			`{"paths":{"/items/{id}":{"get":{"parameters":[{"in":"path","name":"id"},` +
				`{"in":"query","name":"q"}],"tags":["a","b c"]}}}}`},
		{"comments and document markers", "---\n# top\na: x # tail\nb: 'it''s # not'\n...\nignored: 1\n",
			`{"a":"x","b":"it's # not"}`},
		{"block scalars", "a: |\n  line1\n  line2\nb: >-\n  folded\n  text\n\n  para\nc: end\n",
			`{"a":"line1\nline2\n","b":"folded text\npara","c":"end"}`},
		{"flow map nested", "ex: {id: 7, tags: [x, y], o: {k: 'v'}, n: null}\n",
			`{"ex":{"id":7,"n":null,"o":{"k":"v"},"tags":["x","y"]}}`},
		{"sequence of sequences", "- - 1\n  - 2\n- [3]\n- \n", `[[1,2],[3],null]`},
		{"plain continuation", "d: a long\n  description\nn: 1\n", `{"d":"a long description","n":1}`},
		{"quoted keys and colons", "\"a b\": http://x:80/y\n'k': v\n", `{"a b":"http://x:80/y","k":"v"}`},
		{"unicode escapes", "s: \"\\u00e9\\/\"\n", `{"s":"é/"}`},
		{"empty", "", `null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := parseYAML([]byte(c.src))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var want interface{}
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, want) {
				got, _ := json.Marshal(v)
				t.Errorf("got %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestYAMLShouldNameTheLineOfWhatItDoesNotRead(t *testing.T) {
	cases := []struct{ src, want string }{
		{"a: &x 1\n", "line 1: anchors and aliases"},
		{"a: 1\nb: *x\n", "line 2: anchors and aliases"},
		{"a: !!str 1\n", "line 1: tags"},
		{"a:\n\tb: 1\n", "line 2: tab in indentation"},
		{"a: 1\na: 2\n", "line 2: duplicate key"},
		{"a: [1, 2\n", "line 1: unterminated flow"},
		{"a: \"open\n", "line 1: unterminated quoted"},
		{"a: 1\n  b: 2\n", "line 2: unexpected indentation"},
		{"a: 1\n---\nb: 2\n", "line 2: several documents"},
		{"? complex\n", "line 1: complex keys"},
		{"a:\n  - 1\n  b: 2\n", "line 3:"},
	}
	for _, c := range cases {
		_, err := parseYAML([]byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.src, err, c.want)
		}
	}
}

// FuzzYAML: any input parses or fails with an error naming a line, and what parses is
// a value encoding/json can write (the importer's next step).
func FuzzYAML(f *testing.F) {
	for _, s := range []string{"a: 1\n", "- [a, {b: c}]\n", "k: |\n  x\n", "a:\n  b:\n  - c: d\n",
		"\"q\": 'r''s'\n", "x: {a: [1, [2, [3]]]}\n", "- - - 1\n", "a: >+\n\n  b\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseYAML(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("parsed value does not encode: %v", err)
		}
	})
}
