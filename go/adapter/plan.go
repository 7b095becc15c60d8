package adapter

import "sort"

// plan is the static barrier plan of a schedule, made before anything runs so that no
// schedule can deadlock the runner: every gate it lists is one that all its members reach.
//
// Rules (DESIGN.md: steps sharing a non-zero barrier group are released together):
//   - only the first step of a group on each lane is a member; later steps of the same
//     group on that lane run unbarriered (a lane cannot meet itself at a gate);
//   - lanes advance through unbarriered steps to their next member step; a group whose
//     members are all at their lane heads is released;
//   - when nothing can progress (lane0: B1,B2 / lane1: B2,B1), the lowest-numbered waiting
//     group is released with the members that have arrived, and its other members are
//     demoted to unbarriered;
//   - a gate of one member is no gate: that step runs unbarriered.
type plan struct {
	lanes [][]int // per lane, its step indexes in order; negative-lane steps are in none
	gate  []int   // per step: gate index, or -1 when unbarriered
	slot  []int   // per step: its member slot in its gate (0..size-1)
	sizes []int   // per gate: member count (>= 2)
}

func newPlan(s *Schedule) *plan {
	p := &plan{
		lanes: laneSteps(s),
		gate:  make([]int, len(s.Steps)),
		slot:  make([]int, len(s.Steps)),
	}
	for i := range p.gate {
		p.gate[i] = -1
	}
	member, groups := members(s, p.lanes)
	p.simulate(s, member, groups)
	return p
}

// laneSteps lists the step indexes of each lane in schedule order. The lane count is
// s.Lanes or, if higher, the highest step lane + 1.
func laneSteps(s *Schedule) [][]int {
	n := s.Lanes
	for _, st := range s.Steps {
		if st.Lane >= n {
			n = st.Lane + 1
		}
	}
	if n < 0 {
		n = 0
	}
	lanes := make([][]int, n)
	for i, st := range s.Steps {
		if st.Lane >= 0 {
			lanes[st.Lane] = append(lanes[st.Lane], i)
		}
	}
	return lanes
}

// members marks the first step of each group on each lane, and lists each group's members.
func members(s *Schedule, lanes [][]int) ([]bool, map[int][]int) {
	member := make([]bool, len(s.Steps))
	groups := map[int][]int{}
	for _, steps := range lanes {
		seen := map[int]bool{}
		for _, i := range steps {
			b := s.Steps[i].Barrier
			if b != 0 && !seen[b] {
				seen[b] = true
				member[i] = true
				groups[b] = append(groups[b], i)
			}
		}
	}
	return member, groups
}

// simulate advances the lanes gate by gate and records the gates in release order.
// Every round releases at least one group, so it ends after at most len(groups) rounds.
func (p *plan) simulate(s *Schedule, member []bool, groups map[int][]int) {
	pos := make([]int, len(p.lanes))
	for {
		heads := p.heads(s, member, pos) // group -> its member steps at lane heads
		if len(heads) == 0 {
			return
		}
		waiting := make([]int, 0, len(heads))
		for b := range heads {
			waiting = append(waiting, b)
		}
		sort.Ints(waiting)
		released := false
		for _, b := range waiting {
			if len(heads[b]) == len(groups[b]) {
				p.release(s, heads[b], pos)
				released = true
			}
		}
		if !released { // stuck: release the lowest group with whoever arrived
			b := waiting[0]
			for _, i := range groups[b] {
				member[i] = false
			}
			p.release(s, heads[b], pos)
		}
	}
}

// heads moves each lane past its unbarriered steps and groups the member steps it stops at.
func (p *plan) heads(s *Schedule, member []bool, pos []int) map[int][]int {
	heads := map[int][]int{}
	for l, steps := range p.lanes {
		for pos[l] < len(steps) && !member[steps[pos[l]]] {
			pos[l]++
		}
		if pos[l] < len(steps) {
			i := steps[pos[l]]
			heads[s.Steps[i].Barrier] = append(heads[s.Steps[i].Barrier], i)
		}
	}
	return heads
}

// release makes one gate of the given member steps (none for a single step) and moves
// their lanes past them.
func (p *plan) release(s *Schedule, steps []int, pos []int) {
	g := -1
	if len(steps) > 1 {
		g = len(p.sizes)
		p.sizes = append(p.sizes, len(steps))
	}
	for k, i := range steps {
		p.gate[i], p.slot[i] = g, k
		pos[s.Steps[i].Lane]++
	}
}
