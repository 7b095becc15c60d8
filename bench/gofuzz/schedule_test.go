package gofuzz

import (
	"os"
	"path/filepath"
	"testing"
)

// Every committed seed decodes, and is sequential after Sequential.
func TestDecodeCommittedSeeds(t *testing.T) {
	names, _ := filepath.Glob("../../corpus/orders/schedule/*")
	if len(names) == 0 {
		t.Skip("no committed seeds")
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(s.Steps) == 0 {
			t.Fatalf("%s: no steps", name)
		}
		Sequential(s)
		for _, st := range s.Steps {
			if st.Lane != 0 || st.Barrier != 0 {
				t.Fatalf("%s: not sequential", name)
			}
		}
		if _, err := Decode(append(b, 0)); err == nil {
			t.Fatalf("%s: trailing byte accepted", name)
		}
		if _, err := Decode(b[:len(b)-1]); err == nil {
			t.Fatalf("%s: truncated input accepted", name)
		}
	}
}
