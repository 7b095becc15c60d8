package adapter

import (
	"fmt"
	"math/rand"
	"net/http"
	"sort"
	"testing"
	"time"
)

// entryRecorder is a handler that records, per step, when it was entered (monotonic,
// since base). "/enter?step=N" records; "/work?us=N&spin=1" does N µs of work first,
// sleeping or (spin=1) busy on the CPU.
type entryRecorder struct {
	base    time.Time
	entries []time.Duration // written by distinct steps only; read after Run
}

func (e *entryRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/enter" {
		e.entries[param(r, "step")] = time.Since(e.base)
		return
	}
	d := time.Duration(param(r, "us")) * time.Microsecond
	if param(r, "spin") == 0 {
		time.Sleep(d)
		return
	}
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// groupSchedule makes a schedule of k lanes (2..8) that each do 0..3 steps of work of
// different lengths, then meet in group 1, do more work, and meet in group 2 (2..k of
// them). It returns the member steps of each group.
func groupSchedule(rng *rand.Rand) (*Schedule, [][]int) {
	k := 2 + rng.Intn(7)
	s := &Schedule{Lanes: k}
	groups := make([][]int, 2)
	in2 := 2 + rng.Intn(k-1)
	for lane := 0; lane < k; lane++ {
		for g := 1; g <= 2; g++ {
			for w := rng.Intn(4); w > 0; w-- {
				s.Steps = append(s.Steps, get(lane, fmt.Sprintf("/work?us=%d&spin=%d",
					rng.Intn(1500), rng.Intn(2))))
			}
			if g == 2 && lane >= in2 {
				continue
			}
			i := len(s.Steps)
			s.Steps = append(s.Steps, barriered(lane, g, fmt.Sprintf("/enter?step=%d", i)))
			groups[g-1] = append(groups[g-1], i)
		}
	}
	return s, groups
}

// spreads runs n group schedules through a release implementation and returns every
// group's spread of handler entry times, sorted.
func spreads(t *testing.T, n int, kind gateKind) []time.Duration {
	rng := rand.New(rand.NewSource(7))
	opt := quiet()
	opt.gate = kind
	var out []time.Duration
	for k := 0; k < n; k++ {
		s, groups := groupSchedule(rng)
		e := &entryRecorder{base: time.Now(), entries: make([]time.Duration, len(s.Steps))}
		res := Run(e, s, opt)
		noFinding(t, res)
		for _, members := range groups {
			lo, hi := e.entries[members[0]], e.entries[members[0]]
			for _, i := range members {
				if e.entries[i] < lo {
					lo = e.entries[i]
				}
				if e.entries[i] > hi {
					hi = e.entries[i]
				}
			}
			out = append(out, hi-lo)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func summary(d []time.Duration) string {
	return fmt.Sprintf("%d groups: median %v, p99 %v, max %v", len(d), d[len(d)/2],
		d[len(d)*99/100], d[len(d)-1])
}

// TestBarrierGroupStartsWithinOneMillisecond: the handlers of one group start within 1 ms
// of each other: the median spread is at most 100 µs and at least 90% of groups are within
// 1 ms. Not 100%: on the 2-vCPU machines this runs on, groups of up to 8 members share two
// CPUs with lanes doing busy work, and the kernel takes a thread off its CPU for whole
// 4 ms ticks (every spread over 1 ms measured here was 4-5 ms: 1-3% of groups on an idle
// VM, up to 8% with other builds running), which no release inside the process can
// outrun. docs/BENCHMARKS.md has the measured distribution. A failing round is retried (three
// rounds in all) and every round is logged. -short (the unit tests' mode) skips it: it is a
// timing measurement, run by bench/go_barrier.sh on an idle machine.
func TestBarrierGroupStartsWithinOneMillisecond(t *testing.T) {
	if testing.Short() {
		t.Skip("timing acceptance test; run without -short on an idle machine")
	}
	for round := 1; ; round++ {
		d := spreads(t, 200, gateSpin)
		over := 0
		for _, s := range d {
			if s > time.Millisecond {
				over++
			}
		}
		t.Logf("round %d: spin gate spread, %s; %d over 1ms", round, summary(d), over)
		if over*100 <= 10*len(d) && d[len(d)/2] <= 100*time.Microsecond {
			return
		}
		if round == 3 {
			t.Fatalf("%d of %d groups spread over 1ms, or median over 100µs (%s)", over, len(d),
				summary(d))
		}
	}
}

// TestBarrierReleaseComparison logs the channel gate's spread next to the spin gate's:
// the measurement behind the spin gate being the default.
func TestBarrierReleaseComparison(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement only")
	}
	t.Logf("chan gate spread, %s", summary(spreads(t, 100, gateChan)))
	t.Logf("spin gate spread, %s", summary(spreads(t, 100, gateSpin)))
}
