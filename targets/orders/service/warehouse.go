package service

import (
	"errors"
	"time"
)

var errWarehouseTimeout = errors.New("warehouse did not confirm in time")

// warehouse is the client of the warehouse system, which confirms that reserved goods
// are physically set aside. Its answers take `latency`; a reservation waits `timeout`.
type warehouse struct {
	latency time.Duration
	timeout time.Duration
	// deadline is one timer reused by every reservation to save an allocation per
	// request; only the buggy variant (G4) uses it.
	deadline *time.Timer
}

func newWarehouse(latency, timeout time.Duration) *warehouse {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &warehouse{latency: latency, timeout: timeout, deadline: t}
}

// confirm asks the warehouse to set qty of sku aside and waits for its answer.
func (w *warehouse) confirm(sku string, qty int, bugs Bugs) error {
	reply := make(chan bool, 1)
	go func() {
		time.Sleep(w.latency) // the round trip to the warehouse system
		reply <- true
	}()
	if bugs.Has(G4) {
		return w.awaitShared(reply)
	}
	t := time.NewTimer(w.timeout)
	defer t.Stop()
	select {
	case <-reply:
		return nil
	case <-t.C:
		return errWarehouseTimeout
	}
}

// awaitShared is the wait with the shared timer.
//
// BUG G4: Stop/drain/Reset is only correct when one goroutine owns the timer. With two
// reservations in flight, A's Stop stops the timer B re-armed; B's Stop then returns
// false, B concludes the timer fired and waits to drain a value that never comes.
func (w *warehouse) awaitShared(reply <-chan bool) error {
	t := w.deadline
	t.Reset(w.timeout)
	select {
	case <-reply:
		if !t.Stop() {
			<-t.C // drain the expiry so the next Reset starts clean
		}
		return nil
	case <-t.C:
		return errWarehouseTimeout
	}
}
