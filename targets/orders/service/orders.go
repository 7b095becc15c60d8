package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits of one order, the same as the protocol's.
const (
	maxLines   = 50
	maxLineQty = 99
)

type lineRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type orderRequest struct {
	User   string        `json:"user"` // default: the caller; another user's needs admin
	Items  []lineRequest `json:"items"`
	Coupon string        `json:"coupon"`
}

// createOrder prices the lines, takes them out of stock while the coupon (if any) is
// checked, records the order and credits loyalty points.
func (s *Service) createOrder(c *call, _ params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	var req orderRequest
	if !c.decode(&req) {
		return
	}
	if req.User == "" {
		req.User = who.userID
	}
	if !who.mayActFor(req.User) {
		c.fail(http.StatusForbidden, "forbidden", "cannot order for "+req.User)
		return
	}
	lines, ok := s.priceLines(c, req.Items)
	if !ok {
		return
	}
	var couponRes <-chan couponResult
	if req.Coupon != "" {
		couponRes = s.checkCoupon(c.ctx, req.Coupon, lines)
	}
	stockErr := s.takeLines(c, lines)
	var cr couponResult
	if couponRes != nil {
		cr = <-couponRes
		for k, v := range cr.notes {
			auditFrom(c.ctx)[k] = v
		}
	}
	if stockErr != nil {
		c.fail(http.StatusConflict, "out_of_stock", stockErr.Error())
		return
	}
	if req.Coupon != "" && !cr.valid {
		c.be.store.returnStock(lines)
		c.fail(http.StatusUnprocessableEntity, "invalid_coupon", "unknown coupon "+req.Coupon)
		return
	}
	o := c.be.store.addOrder(newOrder(req.User, lines, req.Coupon, cr.discountCents))
	auditFrom(c.ctx)["order"] = o.ID
	if s.bugs.Has(G7) {
		// BUG G7: "credit the points after the response, so checkout does not wait for
		// the ledger". The goroutine outlives the handler but uses the request's
		// context, which ServeHTTP cancels on return: the ledger write is abandoned and
		// the points are lost.
		led := c.be.ledger
		defer func() { go s.creditLoyalty(c.ctx, led, o) }()
	} else {
		s.creditLoyalty(c.ctx, c.be.ledger, o)
	}
	c.json(http.StatusCreated, o)
}

func newOrder(user string, lines []Line, coupon string, discount int64) Order {
	o := Order{User: user, Lines: lines, DiscountCents: discount, Created: time.Now().UTC()}
	if discount > 0 {
		o.Coupon = strings.ToUpper(coupon)
	}
	for _, l := range lines {
		o.SubtotalCents += l.UnitCents * int64(l.Qty)
	}
	o.TotalCents = o.SubtotalCents - o.DiscountCents
	return o
}

func (s *Service) priceLines(c *call, items []lineRequest) ([]Line, bool) {
	if len(items) == 0 || len(items) > maxLines {
		c.fail(http.StatusUnprocessableEntity, "invalid_order", fmt.Sprintf("an order has 1 to %d items", maxLines))
		return nil, false
	}
	lines := make([]Line, 0, len(items))
	for _, it := range items {
		item, found := c.be.store.item(it.SKU)
		if !found || it.Qty < 1 || it.Qty > maxLineQty {
			c.fail(http.StatusUnprocessableEntity, "invalid_order",
				fmt.Sprintf("bad item %q x%d (qty 1 to %d of a known sku)", it.SKU, it.Qty, maxLineQty))
			return nil, false
		}
		lines = append(lines, Line{SKU: it.SKU, Qty: it.Qty, UnitCents: item.PriceCents})
	}
	return lines, true
}

// takeLines takes every line out of stock, or none of them.
func (s *Service) takeLines(c *call, lines []Line) error {
	rec := auditFrom(c.ctx)
	for i, l := range lines {
		if _, err := c.be.store.takeStock(l.SKU, l.Qty); err != nil {
			c.be.store.returnStock(lines[:i])
			return fmt.Errorf("%s: %w", l.SKU, err)
		}
		rec["line."+strconv.Itoa(i)] = l.SKU + " x" + strconv.Itoa(l.Qty)
	}
	return nil
}

// creditLoyalty gives the customer points for the order. A ledger failure does not
// fail the order (the points can be re-credited from the order log).
func (s *Service) creditLoyalty(ctx context.Context, led *ledger, o Order) {
	if err := led.credit(ctx, o.User, pointsFor(o)); err != nil && s.cfg.Logger != nil {
		s.cfg.Logger.Printf("loyalty: order %s: points for %s lost: %v", o.ID, o.User, err)
	}
}

type orderView struct {
	Order
	Display *money `json:"display,omitempty"`
}

type money struct {
	Currency   string `json:"currency"`
	TotalCents int64  `json:"total_cents"`
}

// ownOrder fetches an order the caller may see; otherwise it answers and returns false.
// Orders of others are "not found", not "forbidden": ids are guessable.
func (c *call) ownOrder(id string) (Order, bool) {
	who, ok := c.caller()
	if !ok {
		return Order{}, false
	}
	o, found := c.be.store.order(id)
	if !found || !who.mayActFor(o.User) {
		c.fail(http.StatusNotFound, "not_found", "no order "+id)
		return Order{}, false
	}
	return o, true
}

// getOrder shows an order; ?currency=EUR adds its total in that currency.
func (s *Service) getOrder(c *call, p params) {
	o, ok := c.ownOrder(p["id"])
	if !ok {
		return
	}
	v := orderView{Order: o}
	if cur := strings.ToUpper(c.r.URL.Query().Get("currency")); cur != "" && cur != "USD" {
		total, err := fromUSD(s.bugs, o.TotalCents, cur)
		if err != nil {
			c.fail(http.StatusUnprocessableEntity, "bad_currency", cur+": "+err.Error())
			return
		}
		v.Display = &money{Currency: cur, TotalCents: total}
	}
	c.json(http.StatusOK, v)
}

func (s *Service) listOrders(c *call, _ params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	user := c.r.URL.Query().Get("user")
	if user == "" {
		user = who.userID
	}
	if !who.mayActFor(user) {
		c.fail(http.StatusForbidden, "forbidden", "cannot list orders of "+user)
		return
	}
	c.json(http.StatusOK, map[string]interface{}{"orders": c.be.store.ordersOf(user)})
}

// getReceipt is the printable receipt, addressed to the customer's display name.
func (s *Service) getReceipt(c *call, p params) {
	o, ok := c.ownOrder(p["id"])
	if !ok {
		return
	}
	u, _ := c.be.store.user(o.User)
	var b strings.Builder
	fmt.Fprintf(&b, "Receipt for order %s\nCustomer: %s (%s)\n", o.ID, u.DisplayName, o.User)
	for _, l := range o.Lines {
		item, _ := c.be.store.item(l.SKU)
		fmt.Fprintf(&b, "  %3d x %-30s %10s\n", l.Qty, item.Name, formatCents(l.UnitCents*int64(l.Qty)))
	}
	fmt.Fprintf(&b, "Subtotal %s\n", formatCents(o.SubtotalCents))
	if o.DiscountCents > 0 {
		fmt.Fprintf(&b, "Discount (%s) -%s\n", o.Coupon, formatCents(o.DiscountCents))
	}
	fmt.Fprintf(&b, "Total %s USD, paid %s\nStatus: %s\n", formatCents(o.TotalCents), formatCents(o.PaidCents), o.Status)
	c.text(http.StatusOK, b.String())
}

func (s *Service) cancelOrder(c *call, p params) {
	if _, ok := c.ownOrder(p["id"]); !ok {
		return
	}
	o, err := c.be.store.cancelOrder(p["id"])
	if errors.Is(err, errOrderState) {
		c.fail(http.StatusConflict, "not_cancellable", "only unpaid, placed orders can be cancelled")
		return
	}
	if err != nil {
		c.fail(http.StatusNotFound, "not_found", "no order "+p["id"])
		return
	}
	c.json(http.StatusOK, o)
}
