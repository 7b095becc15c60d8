package service

import (
	"context"
	"sync"
	"time"
)

// ledger is the client of the loyalty-points ledger, a remote service: a write takes
// `latency` and is abandoned when the caller's context ends.
type ledger struct {
	latency time.Duration
	mu      sync.Mutex
	points  map[string]int64
}

func newLedger(latency time.Duration) *ledger {
	return &ledger{latency: latency, points: map[string]int64{}}
}

func (l *ledger) credit(ctx context.Context, user string, pts int64) error {
	if !sleepCtx(ctx, l.latency) {
		return ctx.Err()
	}
	l.mu.Lock()
	l.points[user] += pts
	l.mu.Unlock()
	return nil
}

func (l *ledger) balance(user string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.points[user]
}

// pointsFor is the loyalty rule: one point per whole dollar paid for goods.
func pointsFor(o Order) int64 {
	return o.TotalCents / 100
}
