package adapter

import (
	"reflect"
	"testing"
)

func TestParseHeaderBlock(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string][]string
	}{
		{"", map[string][]string{}},
		{"Content-Type: application/json\r\nauthorization:  Bearer t \r\n",
			map[string][]string{"Content-Type": {"application/json"}, "Authorization": {"Bearer t"}}},
		{"X-A: 1\nX-A: 2", map[string][]string{"X-A": {"1", "2"}}},
		{"no colon\r\n: empty name\r\nBad Name: v\r\n folded: v\r\nX-Ok: \r\nX-Nul: a\x00b\r\nX-Tab: a\tb\r\n",
			map[string][]string{"X-Ok": {""}, "X-Tab": {"a\tb"}}},
		{"X-Colon: a:b:c\r\n\r\nX-Last: z", map[string][]string{"X-Colon": {"a:b:c"}, "X-Last": {"z"}}},
	} {
		got := ParseHeaderBlock([]byte(c.in))
		if got == nil || !reflect.DeepEqual(map[string][]string(got), c.want) {
			t.Errorf("ParseHeaderBlock(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestLearnIDs(t *testing.T) {
	long := `"` + string(make([]byte, 0)) + `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`
	for _, c := range []struct {
		body string
		want []string
	}{
		{`{"id":"o-1","user_id":"u1","items":[{"sku":"A","item_id":"i-9"}],"name":"x"}`,
			[]string{"o-1", "u1", "i-9"}},
		{`[{"id":"a"},{"id":"a"},{"ID":"b"},{"Order_ID":42},{"id":1.5},{"id":""},{"id":` + long + `}]`,
			[]string{"a", "b", "42"}},
		{`{"ids":["x"],"id":{"nested_id":"n"},"nid":"no"}`, []string{"n"}},
		{`not json`, nil},
		{`{"id":"ok","broken":`, []string{"ok"}},
		{`"id"`, nil},
	} {
		var got []string
		LearnIDs([]byte(c.body), func(id string) { got = append(got, id) })
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("LearnIDs(%s) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestDigestIsFNV1a64(t *testing.T) {
	// Reference values of FNV-1a 64.
	if digest(nil) != 0xcbf29ce484222325 || digest([]byte("a")) != 0xaf63dc4c8601ec8c {
		t.Fatalf("digest: %x %x", digest(nil), digest([]byte("a")))
	}
}
