package service

import (
	"errors"
	"net/http"
)

func (s *Service) listItems(c *call, _ params) {
	c.json(http.StatusOK, map[string]interface{}{"items": c.be.store.itemList()})
}

func (s *Service) getItem(c *call, p params) {
	it, ok := c.be.store.item(p["sku"])
	if !ok {
		c.fail(http.StatusNotFound, "not_found", "no item "+p["sku"])
		return
	}
	c.json(http.StatusOK, it)
}

type stockUpdate struct {
	Stock *int `json:"stock"`
}

// putItem sets the available stock after a delivery or a count (operators only).
func (s *Service) putItem(c *call, p params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	if !who.admin {
		c.fail(http.StatusForbidden, "forbidden", "only operators change stock")
		return
	}
	var req stockUpdate
	if !c.decode(&req) {
		return
	}
	if req.Stock == nil || *req.Stock < 0 || *req.Stock > 1000000 {
		c.fail(http.StatusUnprocessableEntity, "invalid_stock", "stock must be 0 to 1000000")
		return
	}
	it, err := c.be.store.setStock(p["sku"], *req.Stock)
	if err != nil {
		c.fail(http.StatusNotFound, "not_found", "no item "+p["sku"])
		return
	}
	c.json(http.StatusOK, it)
}

type reserveRequest struct {
	Qty int `json:"qty"`
}

// reserveItem holds stock for a customer (e.g. while they finish checkout in a store),
// once the warehouse confirms it has set the goods aside.
func (s *Service) reserveItem(c *call, p params) {
	if _, ok := c.caller(); !ok {
		return
	}
	var req reserveRequest
	if !c.decode(&req) {
		return
	}
	sku := p["sku"]
	it, found := c.be.store.item(sku)
	switch {
	case !found:
		c.fail(http.StatusNotFound, "not_found", "no item "+sku)
		return
	case req.Qty < 1 || req.Qty > maxLineQty:
		c.fail(http.StatusUnprocessableEntity, "invalid_qty", "qty must be 1 to 99")
		return
	case it.Stock < req.Qty:
		c.fail(http.StatusConflict, "out_of_stock", sku+": not enough stock")
		return
	}
	if err := c.be.wh.confirm(sku, req.Qty, s.bugs); err != nil {
		c.fail(http.StatusGatewayTimeout, "warehouse_timeout", err.Error())
		return
	}
	it, err := c.be.store.holdStock(sku, req.Qty)
	if errors.Is(err, errNoStock) {
		c.fail(http.StatusConflict, "out_of_stock", sku+": not enough stock")
		return
	}
	if err != nil {
		c.fail(http.StatusNotFound, "not_found", "no item "+sku)
		return
	}
	c.json(http.StatusOK, map[string]interface{}{"sku": sku, "reserved": req.Qty, "item": it})
}
