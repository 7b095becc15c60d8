package adapter

import (
	"runtime"
	"sync/atomic"
	"time"
)

// A gate releases its members at the same instant: wait returns when every member slot
// has called it, or false once abort is closed (Run gave up on the schedule).
//
// Then each member calls enter just before its handler, and linger after it: linger
// waits (yielding the CPU) until every member has entered its handler. Without it, a
// member whose handler returns at once goes on to its lane's next steps and, with more
// members than CPUs, can keep its peers off the CPU for milliseconds before they even
// start; with it, the group's handlers start within microseconds of each other.
type gate interface {
	wait(slot int, abort <-chan struct{}) bool
	enter(slot int)
	linger(abort <-chan struct{}) bool
}

type gateKind int

const (
	// gateSpin is the default: per-member flags, polled, then spun on. It releases
	// tightest and adds no happens-before edge between lanes (see spinGate).
	gateSpin gateKind = iota
	// gateChan blocks on a channel the last member closes. Kept to measure against.
	gateChan
)

func newGate(kind gateKind, members int) gate {
	if kind == gateChan {
		return &chanGate{n: int32(members), open: make(chan struct{})}
	}
	return &spinGate{arrived: make([]uint32, members), ready: make([]uint32, members),
		beats: make([]uint32, members), entered: make([]uint32, members), born: time.Now()}
}

// spinGate is a two-phase barrier. Phase 1: a member raises its arrived flag and polls
// until all are raised (spinning briefly, then sleeping with backoff, so a long wait for a
// slow lane burns no CPU). Phase 2: it raises its ready flag and spins, yielding with
// runtime.Gosched and stamping its heartbeat with the time on every turn. The first
// member that sees every member ready and every heartbeat younger than freshBeat raises
// the open flag, and all leave at their next turn, within one scheduler round.
//
// The heartbeat condition is what keeps the release tight when other processes load the
// machine: the kernel then takes a spinning thread off its CPU for whole 4 ms ticks, and
// every member queued on that thread stops beating. The gate waits (up to maxHold) for a
// moment when all members' threads are on a CPU instead of opening into the stall.
// Handler entry spread was measured on a 2-vCPU VM under -race; see the report in
// barrier_test.go.
//
// The flags are plain words, each written only by its own member (open by any, but only
// ever from 0 to 1), and touched only by the go:norace functions below. That is
// deliberate: atomics or channels are synchronization to the race detector, and a gate
// built on them would order every member's earlier requests before every member's later
// ones, hiding exactly the races racefuzz looks for (a real server's requests on
// different connections share no such edge). A word-sized aligned store is seen whole by
// a concurrent load on every platform Go supports, and each poll calls a non-inlined
// function, so the load is redone.
type spinGate struct {
	arrived, ready, beats, entered []uint32
	open                           uint32
	born                           time.Time
}

const (
	// spinFor is how long phase 1 spins before it starts sleeping.
	spinFor = 500 * time.Microsecond
	// maxHold bounds how long phase 2 waits for a stalled member to beat again.
	maxHold = 20 * time.Millisecond
	// freshBeat: the gate opens only when every member has beaten this recently, i.e.
	// every member's thread is on a CPU right now.
	freshBeat = 20 * time.Microsecond
)

func (g *spinGate) wait(slot int, abort <-chan struct{}) bool {
	raise(&g.arrived[slot])
	if !await(g.arrived, abort, true) {
		return false
	}
	raise(&g.ready[slot])
	return g.release(slot, abort)
}

// release is phase 2: beat, and open the gate once every member is ready and has
// beaten within the last freshBeat.
func (g *spinGate) release(slot int, abort <-chan struct{}) bool {
	var held time.Time // when this member first saw all ready
	for {
		now := g.clock()
		beat(&g.beats[slot], now)
		if raised(&g.open) {
			return true
		}
		if allRaised(g.ready) {
			if held.IsZero() {
				held = time.Now()
			}
			if allFresh(g.beats, now, uint32(freshBeat/time.Microsecond)) || time.Since(held) > maxHold {
				raise(&g.open)
				return true
			}
		}
		if closed(abort) {
			return false
		}
		runtime.Gosched()
	}
}

// clock is the gate's heartbeat time: microseconds since the gate was made, plus one.
func (g *spinGate) clock() uint32 { return uint32(time.Since(g.born)/time.Microsecond) + 1 }

func (g *spinGate) enter(slot int) { raise(&g.entered[slot]) }

func (g *spinGate) linger(abort <-chan struct{}) bool {
	return await(g.entered, abort, false)
}

// await polls flags until all are raised; patient polls back off to sleeping.
func await(flags []uint32, abort <-chan struct{}, patient bool) bool {
	var start time.Time
	if patient {
		start = time.Now()
	}
	nap := 20 * time.Microsecond
	for !allRaised(flags) {
		if closed(abort) {
			return false
		}
		if patient && time.Since(start) > spinFor {
			time.Sleep(nap)
			if nap < time.Millisecond {
				nap *= 2
			}
			continue
		}
		runtime.Gosched()
	}
	return true
}

//go:norace
//go:noinline
func raise(flag *uint32) { *flag = 1 }

//go:norace
//go:noinline
func raised(flag *uint32) bool { return *flag != 0 }

//go:norace
//go:noinline
func beat(b *uint32, now uint32) { *b = now }

//go:norace
//go:noinline
func allRaised(flags []uint32) bool {
	for i := range flags {
		if flags[i] == 0 {
			return false
		}
	}
	return true
}

// allFresh reports whether every beat is at most fresh before now (a beat after now,
// from a member whose clock read came later, counts as fresh).
//
//go:norace
//go:noinline
func allFresh(beats []uint32, now, fresh uint32) bool {
	for i := range beats {
		if b := beats[i]; b == 0 || (now > b && now-b > fresh) {
			return false
		}
	}
	return true
}

// closed reports whether c is closed, without blocking (and, while it is open, without
// synchronizing with anything).
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// chanGate: the last member to arrive closes open; linger spins on an atomic count.
type chanGate struct {
	n                int32
	arrived, entered int32
	open             chan struct{}
}

func (g *chanGate) enter(int) { atomic.AddInt32(&g.entered, 1) }

func (g *chanGate) linger(abort <-chan struct{}) bool {
	for atomic.LoadInt32(&g.entered) < g.n {
		if closed(abort) {
			return false
		}
		runtime.Gosched()
	}
	return true
}

func (g *chanGate) wait(_ int, abort <-chan struct{}) bool {
	if atomic.AddInt32(&g.arrived, 1) == g.n {
		close(g.open)
		return true
	}
	select {
	case <-g.open:
		return true
	case <-abort:
		return false
	}
}
