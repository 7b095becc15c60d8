package service

import (
	"errors"
	"sort"
	"strconv"
	"sync"
	"time"
)

// User is a customer or an operator.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

// Item is a product in the inventory.
type Item struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	Stock      int    `json:"stock"`    // available to order
	Reserved   int    `json:"reserved"` // held by reservations
}

// Line is one line of an order.
type Line struct {
	SKU       string `json:"sku"`
	Qty       int    `json:"qty"`
	UnitCents int64  `json:"unit_cents"`
}

// Order statuses.
const (
	StatusPlaced    = "placed"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
)

// Order is a placed order. Amounts are USD cents.
type Order struct {
	ID            string    `json:"id"`
	User          string    `json:"user"`
	Lines         []Line    `json:"lines"`
	Coupon        string    `json:"coupon,omitempty"`
	SubtotalCents int64     `json:"subtotal_cents"`
	DiscountCents int64     `json:"discount_cents"`
	TotalCents    int64     `json:"total_cents"`
	PaidCents     int64     `json:"paid_cents"`
	Status        string    `json:"status"`
	Created       time.Time `json:"created"`
}

// Payment is one authorization attempt against an order.
type Payment struct {
	ID          string `json:"id"`
	OrderID     string `json:"order_id"`
	AmountCents int64  `json:"amount_cents"` // in Currency
	Currency    string `json:"currency"`
	USDCents    int64  `json:"usd_cents"`
	Status      string `json:"status"` // approved or declined
	Reason      string `json:"reason,omitempty"`
	Reference   string `json:"reference,omitempty"`
}

var (
	errExists     = errors.New("already exists")
	errNotFound   = errors.New("not found")
	errNoStock    = errors.New("not enough stock")
	errOrderState = errors.New("order is not in a state that allows this")
)

// store is the service's in-memory database. mu guards every map and every object in
// them; objects handed out are copies, except by userRef.
type store struct {
	mu        sync.RWMutex
	users     map[string]*User
	tokens    map[string]principal
	items     map[string]*Item
	orders    map[string]*Order
	payments  map[string]*Payment
	nextOrder int
	nextPay   int
}

// newStore returns the seed data every fresh process (and every Reset) starts from.
// Tokens are derived from user ids: the sample has no identity provider, and fuzzing
// schedules can name them.
func newStore() *store {
	s := &store{
		users:    map[string]*User{},
		tokens:   map[string]principal{},
		items:    map[string]*Item{},
		orders:   map[string]*Order{},
		payments: map[string]*Payment{},
	}
	for _, u := range []User{
		{"u1", "Alice Martin", "alice@example.com"},
		{"u2", "Bob Chen", "bob@example.com"},
		{"ops", "Ops Desk", "ops@example.com"},
	} {
		u := u
		s.users[u.ID] = &u
		s.tokens["tok-"+u.ID] = principal{userID: u.ID, admin: u.ID == "ops"}
	}
	for _, it := range []Item{
		{SKU: "sku-1", Name: "Espresso beans 1kg", PriceCents: 2450, Stock: 500},
		{SKU: "sku-2", Name: "Burr grinder", PriceCents: 12900, Stock: 50},
		{SKU: "sku-3", Name: "Milk jug 600ml", PriceCents: 1599, Stock: 200},
		{SKU: "sku-4", Name: "Paper filters x100", PriceCents: 499, Stock: 1000},
		{SKU: "sku-5", Name: "Dual boiler espresso machine", PriceCents: 164900, Stock: 10},
	} {
		it := it
		s.items[it.SKU] = &it
	}
	s.orders["o-1"] = &Order{
		ID: "o-1", User: "u1", Lines: []Line{{SKU: "sku-1", Qty: 2, UnitCents: 2450}},
		SubtotalCents: 4900, TotalCents: 4900, Status: StatusPlaced,
		Created: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC),
	}
	s.items["sku-1"].Stock -= 2
	s.nextOrder, s.nextPay = 2, 1
	return s
}

func (s *store) principalFor(token string) (principal, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.tokens[token]
	return p, ok
}

// ---- users --------------------------------------------------------------------------

func (s *store) createUser(u User) (token string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; ok {
		return "", errExists
	}
	s.users[u.ID] = &u
	token = "tok-" + u.ID
	s.tokens[token] = principal{userID: u.ID}
	return token, nil
}

func (s *store) user(id string) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// userRef is the stored user itself. The pointer stays valid after the lock is
// dropped, but its fields are guarded by s.mu like everything else.
func (s *store) userRef(id string) *User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.users[id]
}

func (s *store) updateUser(id string, f func(u *User)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if ok {
		f(u)
	}
	return ok
}

// ---- items --------------------------------------------------------------------------

func (s *store) item(sku string) (Item, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[sku]
	if !ok {
		return Item{}, false
	}
	return *it, true
}

func (s *store) itemList() []Item {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return out
}

func (s *store) setStock(sku string, stock int) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	if !ok {
		return Item{}, errNotFound
	}
	it.Stock = stock
	return *it, nil
}

// takeStock removes qty of sku from the stock for an order line and returns its price.
func (s *store) takeStock(sku string, qty int) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	if !ok {
		return 0, errNotFound
	}
	if it.Stock < qty {
		return 0, errNoStock
	}
	it.Stock -= qty
	return it.PriceCents, nil
}

func (s *store) returnStock(lines []Line) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range lines {
		if it, ok := s.items[l.SKU]; ok {
			it.Stock += l.Qty
		}
	}
}

// holdStock moves qty of sku from the stock to the reserved count.
func (s *store) holdStock(sku string, qty int) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	if !ok {
		return Item{}, errNotFound
	}
	if it.Stock < qty {
		return Item{}, errNoStock
	}
	it.Stock -= qty
	it.Reserved += qty
	return *it, nil
}

// ---- orders -------------------------------------------------------------------------

func copyOrder(o *Order) Order {
	c := *o
	c.Lines = append([]Line(nil), o.Lines...)
	return c
}

func (s *store) addOrder(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	o.ID = "o-" + strconv.Itoa(s.nextOrder)
	s.nextOrder++
	o.Status = StatusPlaced
	s.orders[o.ID] = &o
	return copyOrder(&o)
}

func (s *store) order(id string) (Order, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, false
	}
	return copyOrder(o), true
}

func (s *store) ordersOf(userID string) []Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Order{}
	for _, o := range s.orders {
		if o.User == userID {
			out = append(out, copyOrder(o))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

// cancelOrder cancels a placed order and puts its lines back in stock.
func (s *store) cancelOrder(id string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, errNotFound
	}
	if o.Status != StatusPlaced || o.PaidCents > 0 {
		return Order{}, errOrderState
	}
	o.Status = StatusCancelled
	for _, l := range o.Lines {
		if it, ok := s.items[l.SKU]; ok {
			it.Stock += l.Qty
		}
	}
	return copyOrder(o), nil
}

// ---- payments -----------------------------------------------------------------------

// addPayment records p; an approved payment counts toward its order, which is paid
// once the payments cover its total.
func (s *store) addPayment(p Payment) (Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[p.OrderID]
	if !ok {
		return Payment{}, errNotFound
	}
	if o.Status != StatusPlaced {
		return Payment{}, errOrderState
	}
	p.ID = "p-" + strconv.Itoa(s.nextPay)
	s.nextPay++
	if p.Status == "approved" {
		o.PaidCents += p.USDCents
		if o.PaidCents >= o.TotalCents {
			o.Status = StatusPaid
		}
	}
	s.payments[p.ID] = &p
	return p, nil
}

func (s *store) payment(id string) (Payment, string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, "", false
	}
	return *p, s.orders[p.OrderID].User, true
}
