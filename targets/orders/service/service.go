// Package service is the orders microservice: users, orders, inventory and payments over
// JSON, plus a binary endpoint whose body is a frame stream of the orders wire protocol,
// decoded by the C layer (package protocgo).
//
// It is racefuzz's sample target. Ten bugs are planted in it (G1..G7 here, C1..C3 in the
// decoder), each switched on or off by Config.Bugs; targets/orders/BUGS.md describes them.
// With Bugs == NoBugs it is the fixed variant, which must pass any fuzzing campaign clean.
package service

import (
	"context"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"racefuzz/targets/orders/protocgo"
)

// Config configures a Service. Zero durations and amounts take the defaults below; the
// zero Bugs is the fixed variant (use ParseBugs("all") for the buggy one).
type Config struct {
	Bugs   Bugs
	Logger *log.Logger // one line per request; nil: quiet

	RequestTimeout       time.Duration // whole-request deadline (default 5s)
	GatewayTimeout       time.Duration // payment authorization deadline (default 200ms)
	ReviewDelay          time.Duration // processor's fraud review of large payments (default 1s)
	ReviewThresholdCents int64         // payments from this many USD cents are reviewed (default 50000)
	WarehouseLatency     time.Duration // warehouse confirmation of a reservation (default 2ms)
	WarehouseTimeout     time.Duration // how long a reservation waits for it (default 250ms)
	LedgerLatency        time.Duration // loyalty ledger write (default 1ms)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.RequestTimeout, 5*time.Second)
	def(&c.GatewayTimeout, 200*time.Millisecond)
	def(&c.ReviewDelay, time.Second)
	def(&c.WarehouseLatency, 2*time.Millisecond)
	def(&c.WarehouseTimeout, 250*time.Millisecond)
	def(&c.LedgerLatency, time.Millisecond)
	if c.ReviewThresholdCents <= 0 {
		c.ReviewThresholdCents = 50000
	}
	return c
}

// Service is the orders service; it is an http.Handler.
type Service struct {
	cfg    Config
	bugs   Bugs
	routes []route
	be     atomic.Value // *backend, replaced as a whole by Reset
}

// backend is everything a request works on. Reset swaps in a fresh one.
type backend struct {
	store  *store
	gw     *gateway
	wh     *warehouse
	ledger *ledger
	states *sync.Pool // *reqState
}

func newBackend(cfg Config) *backend {
	return &backend{
		store:  newStore(),
		gw:     newGateway(cfg.ReviewThresholdCents, cfg.ReviewDelay),
		wh:     newWarehouse(cfg.WarehouseLatency, cfg.WarehouseTimeout),
		ledger: newLedger(cfg.LedgerLatency),
		states: &sync.Pool{New: func() interface{} { return new(reqState) }},
	}
}

// registry lists every Service New made, so that the package-level Reset reaches them.
var registry struct {
	sync.Mutex
	services []*Service
}

// New returns the service with its seed data (users u1, u2 and the admin ops, five
// items, order o-1). The C decoder's bug selection is process-wide: the last New (or
// Reset) sets it from cfg.Bugs.
func New(cfg Config) *Service {
	cfg = cfg.withDefaults()
	s := &Service{cfg: cfg, bugs: cfg.Bugs}
	s.routes = s.buildRoutes()
	s.be.Store(newBackend(cfg))
	protocgo.SetBugMask(cfg.Bugs.cMask())
	registry.Lock()
	registry.services = append(registry.services, s)
	registry.Unlock()
	return s
}

// Reset is the between-inputs hook of racefuzz's in-process `go` mode. It returns every
// Service made by New, and the package's global state, to what a fresh process has:
// seed users, items and order o-1; no payments, reservations or loyalty points; the
// lazily loaded exchange-rate table unloaded; no catalog published in the C decoder.
//
// Contract: call it only while no request is being served; it does not wait for or stop
// in-flight handlers. Goroutines a buggy variant leaked (G2, G4) keep what they hold
// from the old state and never touch the new one.
func Reset() {
	registry.Lock()
	services := append([]*Service(nil), registry.services...)
	registry.Unlock()
	resetRates()
	for _, s := range services {
		s.Reset()
	}
	protocgo.Reset()
}

// Reset returns this service to its seed state; the contract of the package-level Reset
// applies.
func (s *Service) Reset() {
	s.be.Store(newBackend(s.cfg))
	protocgo.SetBugMask(s.bugs.cMask())
}

func (s *Service) backend() *backend {
	return s.be.Load().(*backend)
}

// audit collects what a request did, for the access log. The middleware puts it in the
// request context; handlers add to it.
type audit map[string]string

type auditKey struct{}

func auditFrom(ctx context.Context) audit {
	a, _ := ctx.Value(auditKey{}).(audit)
	return a
}

// ServeHTTP runs the middleware (deadline, audit record, authentication) and the route.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	be := s.backend()
	st := be.states.Get().(*reqState)
	defer st.release(be.states, s.bugs)

	rec := audit{"method": r.Method, "path": r.URL.Path}
	ctx = context.WithValue(ctx, auditKey{}, rec)
	c := &call{s: s, be: be, st: st, w: w, r: r.WithContext(ctx), ctx: ctx}
	if c.authenticate() {
		s.dispatch(c)
	}
	s.logRequest(c, rec)
}

func (s *Service) logRequest(c *call, rec audit) {
	if s.cfg.Logger == nil {
		return
	}
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(" " + k + "=" + rec[k])
	}
	s.cfg.Logger.Printf("status=%d%s", c.status, b.String())
}

// route is one endpoint: a method and a path template whose {name} segments match any
// one segment.
type route struct {
	method string
	segs   []string
	h      func(c *call, p params)
}

type params map[string]string

func (s *Service) buildRoutes() []route {
	table := []struct {
		method, pattern string
		h               func(c *call, p params)
	}{
		{"GET", "/healthz", s.health},
		{"POST", "/v1/users", s.createUser},
		{"GET", "/v1/users/{id}", s.getUser},
		{"PUT", "/v1/users/{id}", s.putUser},
		{"GET", "/v1/users/{id}/loyalty", s.getLoyalty},
		{"GET", "/v1/orders", s.listOrders},
		{"POST", "/v1/orders", s.createOrder},
		{"GET", "/v1/orders/{id}", s.getOrder},
		{"GET", "/v1/orders/{id}/receipt", s.getReceipt},
		{"POST", "/v1/orders/{id}/cancel", s.cancelOrder},
		{"GET", "/v1/inventory", s.listItems},
		{"GET", "/v1/inventory/{sku}", s.getItem},
		{"PUT", "/v1/inventory/{sku}", s.putItem},
		{"POST", "/v1/inventory/{sku}/reserve", s.reserveItem},
		{"POST", "/v1/payments", s.createPayment},
		{"GET", "/v1/payments/{id}", s.getPayment},
		{"POST", "/v1/frames", s.postFrames},
	}
	routes := make([]route, 0, len(table))
	for _, t := range table {
		routes = append(routes, route{method: t.method, segs: splitPath(t.pattern), h: t.h})
	}
	return routes
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func (rt route) match(segs []string) (params, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	var p params
	for i, want := range rt.segs {
		if strings.HasPrefix(want, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if p == nil {
				p = params{}
			}
			p[strings.Trim(want, "{}")] = segs[i]
			continue
		}
		if segs[i] != want {
			return nil, false
		}
	}
	return p, true
}

func (s *Service) dispatch(c *call) {
	segs := splitPath(c.r.URL.Path)
	var allowed []string
	for _, rt := range s.routes {
		p, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method == c.r.Method {
			rt.h(c, p)
			return
		}
		allowed = append(allowed, rt.method)
	}
	if len(allowed) == 0 {
		c.fail(http.StatusNotFound, "not_found", "no such endpoint")
		return
	}
	c.w.Header().Set("Allow", strings.Join(allowed, ", "))
	c.fail(http.StatusMethodNotAllowed, "method_not_allowed", "allowed: "+strings.Join(allowed, ", "))
}

func (s *Service) health(c *call, _ params) {
	c.json(http.StatusOK, map[string]string{"status": "ok", "bugs": s.bugs.String()})
}
