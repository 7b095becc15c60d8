package service

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

var errGatewayTimeout = errors.New("payment gateway did not answer in time")

type charge struct {
	usdCents int64
	card     string
}

type authResult struct {
	abandoned bool // the deadline passed during the call: no answer
	approved  bool
	reason    string
	reference string
}

// gateway is the client of the card processor. The processor's client library allows
// one call at a time, hence mu.
type gateway struct {
	mu          sync.Mutex
	threshold   int64
	reviewDelay time.Duration
	seq         int
}

func newGateway(threshold int64, reviewDelay time.Duration) *gateway {
	return &gateway{threshold: threshold, reviewDelay: reviewDelay}
}

// authorize asks the processor to approve c, giving up after timeout.
func (g *gateway) authorize(ctx context.Context, timeout time.Duration, c charge, bugs Bugs) (authResult, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out chan authResult
	if bugs.Has(G2) {
		// BUG G2: unbuffered. Once this function has given up, nobody receives, and the
		// worker blocks on its send for ever with g.mu held.
		out = make(chan authResult)
	} else {
		out = make(chan authResult, 1)
	}
	go g.run(ctx, c, out, bugs)
	select {
	case res := <-out:
		if res.abandoned {
			return authResult{}, errGatewayTimeout
		}
		return res, nil
	case <-ctx.Done():
		return authResult{}, errGatewayTimeout
	}
}

func (g *gateway) run(ctx context.Context, c charge, out chan<- authResult, bugs Bugs) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out <- g.charge(ctx, c, bugs)
}

// charge talks to the processor. Large amounts go through its fraud review, which
// takes a while.
func (g *gateway) charge(ctx context.Context, c charge, bugs Bugs) authResult {
	if c.usdCents >= g.threshold {
		if bugs.Has(G2) {
			// BUG G2: the review wait ignores ctx.Done().
			time.Sleep(g.reviewDelay)
		} else if !sleepCtx(ctx, g.reviewDelay) {
			return authResult{abandoned: true}
		}
	}
	g.seq++
	ref := "auth-" + strconv.Itoa(g.seq)
	switch c.card {
	case "tok_declined", "tok_stolen":
		return authResult{reason: "card declined", reference: ref}
	case "tok_insufficient":
		return authResult{reason: "insufficient funds", reference: ref}
	}
	return authResult{approved: true, reference: ref}
}

// sleepCtx waits d, or less if ctx ends first; it reports whether the full d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
