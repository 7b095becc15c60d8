package adapter

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"
)

func sched(steps ...Step) *Schedule {
	s := &Schedule{Steps: steps}
	for _, st := range steps {
		if st.Lane >= s.Lanes {
			s.Lanes = st.Lane + 1
		}
	}
	return s
}

func TestPlanSimpleGroup(t *testing.T) {
	p := newPlan(sched(get(0, "/a"), barriered(0, 1, "/b"), barriered(1, 1, "/c"),
		barriered(2, 1, "/d")))
	if want := []int{3}; !reflect.DeepEqual(p.sizes, want) {
		t.Fatalf("sizes %v, want %v", p.sizes, want)
	}
	if want := []int{-1, 0, 0, 0}; !reflect.DeepEqual(p.gate, want) {
		t.Fatalf("gates %v, want %v", p.gate, want)
	}
}

func TestPlanSameLaneDuplicateIsUnbarriered(t *testing.T) {
	p := newPlan(sched(barriered(0, 1, "/a"), barriered(0, 1, "/b"), barriered(1, 1, "/c")))
	if want := []int{0, -1, 0}; !reflect.DeepEqual(p.gate, want) {
		t.Fatalf("gates %v, want %v", p.gate, want)
	}
}

func TestPlanCycleReleasesLowestGroupPartially(t *testing.T) {
	// lane0: B1, B2; lane1: B2, B1. B1 goes first with lane0 alone (no gate), lane1's B1
	// is demoted, then B2 meets both lanes.
	p := newPlan(sched(barriered(0, 1, "/a"), barriered(0, 2, "/b"), barriered(1, 2, "/c"),
		barriered(1, 1, "/d")))
	if want := []int{-1, 0, 0, -1}; !reflect.DeepEqual(p.gate, want) {
		t.Fatalf("gates %v, want %v", p.gate, want)
	}
	if want := []int{2}; !reflect.DeepEqual(p.sizes, want) {
		t.Fatalf("sizes %v, want %v", p.sizes, want)
	}
}

func TestPlanThreeLaneCycle(t *testing.T) {
	// Each lane waits for a group another lane reaches only later.
	p := newPlan(sched(
		barriered(0, 1, "/"), barriered(0, 2, "/"),
		barriered(1, 2, "/"), barriered(1, 3, "/"),
		barriered(2, 3, "/"), barriered(2, 1, "/")))
	checkPlan(t, p, sched(
		barriered(0, 1, "/"), barriered(0, 2, "/"),
		barriered(1, 2, "/"), barriered(1, 3, "/"),
		barriered(2, 3, "/"), barriered(2, 1, "/")))
}

// checkPlan asserts the plan's structural promises: members of a gate are on distinct
// lanes, gate sizes match, and a lane meets its gates in increasing plan order (so the
// runtime, releasing gates as their members arrive, cannot wait in a cycle).
func checkPlan(t *testing.T, p *plan, s *Schedule) {
	t.Helper()
	count := make([]int, len(p.sizes))
	lanesOf := make([]map[int]bool, len(p.sizes))
	for i, g := range p.gate {
		if g < 0 {
			continue
		}
		count[g]++
		if lanesOf[g] == nil {
			lanesOf[g] = map[int]bool{}
		}
		if lanesOf[g][s.Steps[i].Lane] {
			t.Fatalf("gate %d has two members on lane %d", g, s.Steps[i].Lane)
		}
		lanesOf[g][s.Steps[i].Lane] = true
	}
	for g, n := range p.sizes {
		if n < 2 || count[g] != n {
			t.Fatalf("gate %d: size %d, %d members", g, n, count[g])
		}
	}
	for l, steps := range p.lanes {
		last := -1
		for _, i := range steps {
			if g := p.gate[i]; g >= 0 {
				if g <= last {
					t.Fatalf("lane %d meets gate %d after gate %d", l, g, last)
				}
				last = g
			}
		}
	}
}

// randomSchedule makes a schedule of up to 6 lanes and 24 steps whose barrier groups
// collide often (groups 0..4), with short sleeps as work.
func randomSchedule(rng *rand.Rand) *Schedule {
	s := &Schedule{Lanes: 1 + rng.Intn(6)}
	for n := rng.Intn(24); n > 0; n-- {
		b := rng.Intn(5)
		s.Steps = append(s.Steps, Step{Lane: rng.Intn(s.Lanes), Barrier: b, Method: "GET",
			Target: fmt.Sprintf("/sleep?us=%d", rng.Intn(300))})
	}
	return s
}

func TestPlanRandomSchedulesHoldPromises(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for k := 0; k < 2000; k++ {
		s := randomSchedule(rng)
		checkPlan(t, newPlan(s), s)
	}
}

func TestRunCycleAndDuplicatesDoNotDeadlock(t *testing.T) {
	opt := quiet()
	opt.DrainDeadline = time.Second
	for name, s := range map[string]*Schedule{
		"cycle": sched(barriered(0, 1, "/a"), barriered(0, 2, "/b"), barriered(1, 2, "/c"),
			barriered(1, 1, "/d")),
		"duplicates": sched(barriered(0, 1, "/a"), barriered(0, 1, "/b"), barriered(1, 1, "/c"),
			barriered(1, 1, "/d"), barriered(1, 1, "/e")),
		"three-cycle": sched(barriered(0, 1, "/"), barriered(0, 2, "/"), barriered(1, 2, "/"),
			barriered(1, 3, "/"), barriered(2, 3, "/"), barriered(2, 1, "/")),
	} {
		out := Run(ok, s, opt)
		noFinding(t, out)
		allAnswered(t, out, 200)
		if t.Failed() {
			t.Fatalf("%s failed", name)
		}
	}
}

func TestRunRandomSchedulesDrain(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	h := sleepy()
	opt := quiet()
	opt.DrainDeadline = 3 * time.Second
	for k := 0; k < 60; k++ {
		s := randomSchedule(rng)
		s.Repeat = 1 + rng.Intn(2)
		out := Run(h, s, opt)
		noFinding(t, out)
		allAnswered(t, out, 200)
	}
}
