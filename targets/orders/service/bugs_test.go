package service

import "testing"

func TestParseBugsShouldAcceptTheOrdersBugsSyntax(t *testing.T) {
	cases := []struct {
		spec string
		want Bugs
	}{
		{"", AllBugs},
		{"all", AllBugs},
		{" ALL ", AllBugs},
		{"none", NoBugs},
		{"G1", G1},
		{"g1, G3 ,c2", G1 | G3 | C2},
		{"G7,C3,C1", G7 | C1 | C3},
	}
	for _, c := range cases {
		got, err := ParseBugs(c.spec)
		if err != nil || got != c.want {
			t.Errorf("ParseBugs(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	for _, bad := range []string{"G8", "C4", "G1,", "G1,,G2", "all,G1", "bugs"} {
		if _, err := ParseBugs(bad); err == nil {
			t.Errorf("ParseBugs(%q) accepted a bad list", bad)
		}
	}
}

func TestBugsStringShouldRoundTrip(t *testing.T) {
	for _, b := range []Bugs{AllBugs, NoBugs, G2, G1 | G5 | C3} {
		got, err := ParseBugs(b.String())
		if err != nil || got != b {
			t.Errorf("ParseBugs(%q) = %v, %v; want %v", b.String(), got, err, b)
		}
	}
	if s := (G1 | C2).String(); s != "G1,C2" {
		t.Errorf("String() = %q", s)
	}
}

func TestMustParseBugsShouldPanicOnABadList(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	MustParseBugs("G0")
}

func TestCMaskShouldCarryOnlyTheDecoderBugs(t *testing.T) {
	if AllBugs.cMask() != 7 || (G1|G7).cMask() != 0 || (C2).cMask() != 2 {
		t.Fatalf("cMask: all=%d g=%d c2=%d", AllBugs.cMask(), (G1 | G7).cMask(), C2.cMask())
	}
}
