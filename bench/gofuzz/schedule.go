// Package gofuzz is the baseline of bench/go_mode_vs_gotest.sh: the orders handler of
// racefuzz's `go` mode, fuzzed by Go's native fuzzer (`go test -fuzz`) instead of
// libFuzzer with racefuzz's schedule mutator. The fuzz input is the same binary schedule
// (mutators/schedule.h), decoded here, forced sequential (one input, one request at a
// time, as a plain Go fuzz target runs), and run through racefuzz/go/adapter with the
// same oracles.
package gofuzz

import (
	"encoding/binary"
	"errors"
	"time"

	"racefuzz/go/adapter"
)

// Limits of the format (mutators/schedule.h).
const (
	schedVersion   = 1
	schedHeaderLen = 12
	schedStepMin   = 15
	schedMaxLanes  = 16
	schedMaxSteps  = 256
)

var methods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}

var errBad = errors.New("not a schedule")

// frames splits b into frames: each a u32le length and that many bytes; nothing left over.
func frames(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, errBad
		}
		n := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return nil, errBad
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out, nil
}

// Decode parses a binary schedule as strictly as sched_parse does.
func Decode(b []byte) (*adapter.Schedule, error) {
	fs, err := frames(b)
	if err != nil || len(fs) == 0 {
		return nil, errBad
	}
	h := fs[0]
	if len(h) != schedHeaderLen || h[0] != schedVersion || h[1] == 0 || h[1] > schedMaxLanes {
		return nil, errBad
	}
	if len(fs)-1 > schedMaxSteps {
		return nil, errBad
	}
	s := &adapter.Schedule{
		Lanes:      int(h[1]),
		Repeat:     int(binary.LittleEndian.Uint16(h[2:])),
		JitterSeed: binary.LittleEndian.Uint32(h[4:]),
		Flags:      binary.LittleEndian.Uint32(h[8:]),
	}
	for _, f := range fs[1:] {
		st, err := decodeStep(f, s.Lanes)
		if err != nil {
			return nil, err
		}
		s.Steps = append(s.Steps, st)
	}
	return s, nil
}

func decodeStep(f []byte, lanes int) (adapter.Step, error) {
	var st adapter.Step
	if len(f) < schedStepMin {
		return st, errBad
	}
	lane, barrier := int(f[0]), int(f[1])
	delay := binary.LittleEndian.Uint32(f[2:])
	method := int(f[6])
	if lane >= lanes || method >= len(methods) {
		return st, errBad
	}
	rest := f[7:]
	take := func(width int) ([]byte, bool) {
		if len(rest) < width {
			return nil, false
		}
		var n uint64
		if width == 2 {
			n = uint64(binary.LittleEndian.Uint16(rest))
		} else {
			n = uint64(binary.LittleEndian.Uint32(rest))
		}
		rest = rest[width:]
		if n > uint64(len(rest)) {
			return nil, false
		}
		v := rest[:n]
		rest = rest[n:]
		return v, true
	}
	path, ok1 := take(2)
	headers, ok2 := take(2)
	body, ok3 := take(4)
	if !ok1 || !ok2 || !ok3 || len(rest) != 0 {
		return st, errBad
	}
	st = adapter.Step{
		Lane:    lane,
		Barrier: barrier,
		Delay:   time.Duration(delay) * time.Microsecond,
		Method:  methods[method],
		Target:  string(path),
		Header:  adapter.ParseHeaderBlock(headers),
	}
	if len(body) > 0 {
		st.Body = append([]byte(nil), body...)
	}
	return st, nil
}

// Sequential puts every step on lane 0 in input order and clears the barriers: one
// request at a time, never two in flight (delays, repeat and jitter are kept).
func Sequential(s *adapter.Schedule) {
	s.Lanes = 1
	for i := range s.Steps {
		s.Steps[i].Lane = 0
		s.Steps[i].Barrier = 0
	}
}
