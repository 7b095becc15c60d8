package service

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The service's own oracles: properties every variant without bugs keeps, whatever
// requests it gets. racefuzz calls them in `go` mode (racefuzz.json: go.check and
// go.invariant); they use standard-library types only, so the service does not depend on
// racefuzz. They find the bugs that answer wrongly without crashing (G3, G7).

// publicRoutes are the endpoints an anonymous caller may use.
var publicRoutes = map[string]bool{
	"GET /healthz":            true,
	"POST /v1/users":          true,
	"GET /v1/inventory":       true,
	"GET /v1/inventory/{sku}": true,
	"POST /v1/frames":         true,
}

// CheckExchange checks one answered request: a request without an Authorization header
// never gets a 2xx answer from a route that is not public.
func CheckExchange(r *http.Request, status int, body []byte) error {
	if status < 200 || status > 299 || r.Header.Get("Authorization") != "" {
		return nil
	}
	pattern, ok := routePattern(r.Method, r.URL.Path)
	if !ok || publicRoutes[pattern] {
		return nil
	}
	return fmt.Errorf("anonymous %s %s answered %d: %s needs a bearer token", r.Method, r.URL.Path,
		status, pattern)
}

// patterns is the route table without handlers, for matching only.
var patterns = (&Service{}).buildRoutes()

// routePattern is "METHOD /template" of the route serving method and path.
func routePattern(method, path string) (string, bool) {
	segs := splitPath(path)
	for _, rt := range patterns {
		if _, ok := rt.match(segs); ok && rt.method == method {
			return method + " /" + strings.Join(rt.segs, "/"), true
		}
	}
	return "", false
}

// seedOrders are the orders a fresh store starts with; the ledger's seed state has no
// points for them.
var seedOrders = newStore().orders

// CheckInvariants checks every Service New made: each user's loyalty balance equals the
// points of the orders placed since the last reset. Call it only when no request is in
// flight (racefuzz calls it after a schedule drained and goroutines settled).
func CheckInvariants() error {
	registry.Lock()
	services := append([]*Service(nil), registry.services...)
	registry.Unlock()
	for _, s := range services {
		if err := s.backend().checkLoyalty(); err != nil {
			return err
		}
	}
	return nil
}

func (be *backend) checkLoyalty() error {
	due := map[string]int64{}
	be.store.mu.RLock()
	for id, o := range be.store.orders {
		if _, seed := seedOrders[id]; !seed {
			due[o.User] += pointsFor(*o)
		}
	}
	be.store.mu.RUnlock()
	users := make([]string, 0, len(due))
	for u := range due {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		if got := be.ledger.balance(u); got != due[u] {
			return fmt.Errorf("loyalty of %s is %d points, its orders earn %d", u, got, due[u])
		}
	}
	return nil
}
