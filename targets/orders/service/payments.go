package service

import (
	"errors"
	"net/http"
)

// maxPaymentCents bounds one payment (ten million units of any currency), which also
// keeps currency conversion within int64.
const maxPaymentCents = 1000000000

type paymentRequest struct {
	OrderID     string `json:"order_id"`
	AmountCents int64  `json:"amount_cents"`
	Currency    string `json:"currency"`
	Card        string `json:"card"` // a card token from the payment form
}

// createPayment authorizes a card payment against an order. Payments may be partial;
// the order is paid once approved payments cover its total.
func (s *Service) createPayment(c *call, _ params) {
	var req paymentRequest
	if !c.decode(&req) {
		return
	}
	if req.Currency == "" {
		req.Currency = "USD"
	}
	if req.AmountCents < 1 || req.AmountCents > maxPaymentCents || req.Card == "" || len(req.Currency) != 3 {
		c.fail(http.StatusUnprocessableEntity, "invalid_payment", "need order_id, amount_cents (1 to 1e9), currency and card")
		return
	}
	o, ok := c.ownOrder(req.OrderID)
	if !ok {
		return
	}
	if o.Status != StatusPlaced {
		c.fail(http.StatusConflict, "not_payable", "order "+o.ID+" is "+o.Status)
		return
	}
	usd, err := toUSD(s.bugs, req.AmountCents, req.Currency)
	if err != nil {
		c.fail(http.StatusUnprocessableEntity, "bad_currency", req.Currency+": "+err.Error())
		return
	}
	res, err := c.be.gw.authorize(c.ctx, s.cfg.GatewayTimeout, charge{usdCents: usd, card: req.Card}, s.bugs)
	if err != nil {
		c.fail(http.StatusGatewayTimeout, "gateway_timeout", err.Error())
		return
	}
	pay := Payment{OrderID: o.ID, AmountCents: req.AmountCents, Currency: req.Currency, USDCents: usd,
		Status: "declined", Reason: res.reason, Reference: res.reference}
	if res.approved {
		pay.Status = "approved"
	}
	pay, err = c.be.store.addPayment(pay)
	if errors.Is(err, errOrderState) {
		c.fail(http.StatusConflict, "not_payable", "order "+o.ID+" changed during the payment")
		return
	}
	if err != nil {
		c.fail(http.StatusNotFound, "not_found", "no order "+o.ID)
		return
	}
	status := http.StatusCreated
	if !res.approved {
		status = http.StatusPaymentRequired
	}
	c.json(status, pay)
}

func (s *Service) getPayment(c *call, p params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	pay, owner, found := c.be.store.payment(p["id"])
	if !found || !who.mayActFor(owner) {
		c.fail(http.StatusNotFound, "not_found", "no payment "+p["id"])
		return
	}
	c.json(http.StatusOK, pay)
}
