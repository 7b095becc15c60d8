package main

import "testing"

func TestEncodeShouldKeepKeyOrderAndInlineScalarArrays(t *testing.T) {
	v := newObj().set("z", []string{"a&b", "c"}).set("a", newObj()).
		set("m", []interface{}{newObj().set("k", 1.5)}).set("e", []string{})
	got, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"z\": [\"a&b\", \"c\"],\n  \"a\": {},\n  \"m\": [\n    {\n      \"k\": 1.5\n    }\n  ],\n  \"e\": []\n}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
