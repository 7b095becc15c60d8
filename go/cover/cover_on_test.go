//go:build libfuzzer && cgo

package cover

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const timeout = 2 * time.Second

var reg *region

func TestMain(m *testing.M) {
	dir := "/dev/shm"
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("racefuzz-cover-test-%d", os.Getpid()))
	var err error
	if reg, err = createRegion(path, 1<<16); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err = start(path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	reg.close()
	os.Remove(path)
	os.Exit(code)
}

// needCounters skips tests that need this package's own code instrumented. (The
// runtime registers a one-byte region even when nothing is: no count to go by.)
func needCounters(t *testing.T) {
	if len(lit(t, func() { branchy(2) })) == 0 {
		t.Skip("no counters move: run with -gcflags=racefuzz/go/cover=-d=libfuzzer")
	}
}

//go:noinline
func branchy(k int) int {
	s := 0
	switch k {
	case 1:
		for i := 0; i < 3; i++ {
			s += i
		}
	case 2:
		if s == 0 {
			s = 7
		}
		for i := 0; i < 5; i++ {
			if i%2 == 0 {
				s *= 3
			}
		}
	}
	return s
}

func nonzero(c []byte) map[int]bool {
	m := map[int]bool{}
	for i, v := range c {
		if v != 0 {
			m[i] = true
		}
	}
	return m
}

// lit clears, runs f and returns the indices of the counters f's run left non-zero.
func lit(t *testing.T, f func()) map[int]bool {
	t.Helper()
	if err := reg.clear(timeout); err != nil {
		t.Fatal(err)
	}
	f()
	c, _, err := reg.snapshot(timeout)
	if err != nil {
		t.Fatal(err)
	}
	return nonzero(c)
}

func TestServiceShouldAttachAndReportItsCounters(t *testing.T) {
	if !Active() || !reg.attached() {
		t.Fatal("the service did not attach to the region")
	}
	if got, want := uint64(reg.h.ncounters), uint64(len(counters())); got != want {
		t.Fatalf("ncounters = %d, want %d", got, want)
	}
}

func TestSnapshotShouldGrowWhenNewBranchesRun(t *testing.T) {
	needCounters(t)
	base := lit(t, func() {})
	one := lit(t, func() { branchy(1) })
	two := lit(t, func() { branchy(1); branchy(2) })
	if !(len(base) < len(one) && len(one) < len(two)) {
		t.Fatalf("non-zero counters: nothing %d, branch 1 %d, branches 1+2 %d", len(base), len(one), len(two))
	}
	t.Logf("non-zero counters: nothing %d, branch 1 %d, branches 1+2 %d", len(base), len(one), len(two))
}

func TestClearShouldZeroTheCountersOfEarlierRuns(t *testing.T) {
	needCounters(t)
	one := lit(t, func() { branchy(1) })
	two := lit(t, func() { branchy(1); branchy(2) })
	after := lit(t, func() {})
	only2 := 0
	for i := range two {
		if one[i] {
			continue
		}
		only2++
		if after[i] {
			t.Errorf("counter %d (branch 2 only) is still set after a clear", i)
		}
	}
	if only2 == 0 {
		t.Fatal("branch 2 lit no counter of its own")
	}
}

func TestSnapshotShouldCountGoroutines(t *testing.T) {
	_, before, err := reg.snapshot(timeout)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	for i := 0; i < 8; i++ {
		go func() { <-stop }()
	}
	_, during, err := reg.snapshot(timeout)
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 || during < before+8 {
		t.Fatalf("goroutines: %d before, %d with 8 more", before, during)
	}
}
