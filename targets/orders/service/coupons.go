package service

import (
	"context"
	"strconv"
	"strings"
)

type coupon struct {
	percent int64
	sku     string // empty: every line
	minQty  int    // lines with fewer units are not eligible
}

// coupons is the promotions catalogue. Read-only after start-up.
var coupons = map[string]coupon{
	"SAVE10":     {percent: 10},
	"BULK5":      {percent: 5, minQty: 5},
	"ESPRESSO20": {percent: 20, sku: "sku-1"},
	"GRINDER15":  {percent: 15, sku: "sku-2"},
}

type couponResult struct {
	valid         bool
	discountCents int64
	notes         audit // per-line eligibility, for the audit record
}

// evaluateCoupon works out the discount of code on lines (priced), noting for each
// line whether it is eligible.
func evaluateCoupon(code string, lines []Line, note func(k, v string)) couponResult {
	c, ok := coupons[strings.ToUpper(code)]
	if !ok {
		note("coupon", "unknown:"+code)
		return couponResult{}
	}
	res := couponResult{valid: true}
	for i, l := range lines {
		key := "coupon.line." + strconv.Itoa(i)
		if (c.sku != "" && l.SKU != c.sku) || l.Qty < c.minQty {
			note(key, "not eligible")
			continue
		}
		d := l.UnitCents * int64(l.Qty) * c.percent / 100
		res.discountCents += d
		note(key, "-"+strconv.FormatInt(d, 10))
	}
	note("coupon", strings.ToUpper(code))
	return res
}

// checkCoupon evaluates code in the background while the handler reserves stock (the
// promotions rules can be slow); the result arrives on the returned channel.
func (s *Service) checkCoupon(ctx context.Context, code string, lines []Line) <-chan couponResult {
	out := make(chan couponResult, 1)
	go func() {
		if s.bugs.Has(G5) {
			// BUG G5: notes go straight into the request's audit map, which the
			// handler is writing at the same time: concurrent map writes.
			rec := auditFrom(ctx)
			out <- evaluateCoupon(code, lines, func(k, v string) { rec[k] = v })
			return
		}
		notes := audit{}
		res := evaluateCoupon(code, lines, func(k, v string) { notes[k] = v })
		res.notes = notes
		out <- res
	}()
	return out
}
