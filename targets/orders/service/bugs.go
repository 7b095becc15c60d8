package service

import (
	"fmt"
	"strings"

	"racefuzz/targets/orders/protocgo"
)

// Bugs is a set of planted bugs: G1..G7 live in this package, C1..C3 in the C protocol
// decoder. targets/orders/BUGS.md describes each one. The zero value is the fixed variant.
type Bugs uint16

// The planted bugs.
const (
	G1 Bugs = 1 << iota // exchange-rate table initialised lazily without synchronisation
	G2                  // payment worker ignores its deadline and keeps the gateway lock
	G3                  // pooled request state returned without clearing the caller
	G4                  // one warehouse deadline timer shared (and drained) by all reservations
	G5                  // audit map in the request context written by a coupon goroutine
	G6                  // display name written in place while receipts read it
	G7                  // loyalty credit goroutine started in a defer with the request context
	C1                  // decoder: static scratch buffer for addresses
	C2                  // decoder: attachment chunk length trusted over the frame length
	C3                  // decoder: catalog reference count updated outside its lock

	NoBugs  Bugs = 0
	AllBugs Bugs = G1 | G2 | G3 | G4 | G5 | G6 | G7 | C1 | C2 | C3
)

var bugNames = []struct {
	name string
	bug  Bugs
}{
	{"G1", G1}, {"G2", G2}, {"G3", G3}, {"G4", G4}, {"G5", G5}, {"G6", G6}, {"G7", G7},
	{"C1", C1}, {"C2", C2}, {"C3", C3},
}

// Has reports whether every bug of b is on.
func (s Bugs) Has(b Bugs) bool {
	return s&b == b
}

// String is the ParseBugs syntax: "all", "none" or a comma list such as "G1,C3".
func (s Bugs) String() string {
	switch s {
	case AllBugs:
		return "all"
	case NoBugs:
		return "none"
	}
	var names []string
	for _, n := range bugNames {
		if s.Has(n.bug) {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParseBugs reads the ORDERS_BUGS syntax: "all" (also the empty string: the default
// variant is the buggy one), "none" (the fixed variant), or a comma list of bug names,
// case and spaces ignored, e.g. "G1,g3, C2".
func ParseBugs(spec string) (Bugs, error) {
	spec = strings.TrimSpace(spec)
	switch strings.ToLower(spec) {
	case "", "all":
		return AllBugs, nil
	case "none":
		return NoBugs, nil
	}
	var set Bugs
	for _, tok := range strings.Split(spec, ",") {
		b, ok := lookupBug(strings.TrimSpace(tok))
		if !ok {
			return 0, fmt.Errorf("unknown bug %q in %q (want all, none or names G1..G7, C1..C3)", tok, spec)
		}
		set |= b
	}
	return set, nil
}

// MustParseBugs is ParseBugs for start-up code: it panics on a bad list.
func MustParseBugs(spec string) Bugs {
	b, err := ParseBugs(spec)
	if err != nil {
		panic(err)
	}
	return b
}

func lookupBug(name string) (Bugs, bool) {
	for _, n := range bugNames {
		if strings.EqualFold(name, n.name) {
			return n.bug, true
		}
	}
	return 0, false
}

// cMask translates the C bugs of s into the decoder's mask.
func (s Bugs) cMask() uint {
	var m uint
	if s.Has(C1) {
		m |= protocgo.BugC1
	}
	if s.Has(C2) {
		m |= protocgo.BugC2
	}
	if s.Has(C3) {
		m |= protocgo.BugC3
	}
	return m
}
