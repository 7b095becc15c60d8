package service

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// One test per planted Go bug: the hand-written trigger must show the bug on a variant
// with only that bug on, and show nothing on the fixed variant ("none").

func init() {
	triggers["G1"] = triggerG1
	triggers["G2"] = triggerG2
	triggers["G3"] = triggerG3
	triggers["G4"] = triggerG4
	triggers["G5"] = triggerG5
	triggers["G6"] = triggerG6
	triggers["G7"] = triggerG7
}

// G1: the first two requests that need a currency conversion, a EUR payment and an
// order shown in GBP, arrive together.
func triggerG1(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs})
	bad := 0
	for attempt := 0; attempt < 20; attempt++ {
		Reset()
		var payStatus, viewStatus int
		together(5*time.Second,
			func() {
				payStatus, _ = do(s, "POST", "/v1/payments", "tok-u1",
					`{"order_id":"o-1","amount_cents":1200,"currency":"EUR","card":"tok_visa"}`)
			},
			func() { viewStatus, _ = do(s, "GET", "/v1/orders/o-1?currency=GBP", "tok-u1", "") })
		if payStatus != 201 || viewStatus != 200 {
			bad++
		}
	}
	observe("unexpected_statuses", bad)
}

func TestG1LazyRateTableShouldRaceOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		expectRace(t, runTrigger(t, "G1", "G1"), "service.fxRates")
	}
	r := runTrigger(t, "G1", "none")
	expectClean(t, r)
	if observedInt(t, r, "unexpected_statuses") != 0 {
		t.Fatal("fixed variant answered a payment or an order view wrongly")
	}
}

// G2: a payment large enough for fraud review outlasts the gateway timeout; then an
// ordinary payment arrives.
func triggerG2(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs, GatewayTimeout: 50 * time.Millisecond, ReviewDelay: 100 * time.Millisecond})
	base := runtime.NumGoroutine()
	big, _ := do(s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":60000,"card":"tok_visa"}`)
	time.Sleep(150 * time.Millisecond) // the review is over
	small, _ := do(s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":900,"card":"tok_visa"}`)
	time.Sleep(100 * time.Millisecond) // let finished workers exit
	observe("big_payment_status", big)
	observe("small_payment_status", small)
	observe("leaked_goroutines", runtime.NumGoroutine()-base)
}

func TestG2PaymentWorkerShouldLeakAndStallPaymentsOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	buggy := runTrigger(t, "G2", "G2")
	if observedInt(t, buggy, "big_payment_status") != 504 ||
		observedInt(t, buggy, "small_payment_status") != 504 ||
		observedInt(t, buggy, "leaked_goroutines") < 2 {
		buggy.dump(t)
		t.Fatal("buggy variant: expected the second payment to stall (504) behind a leaked worker")
	}
	fixed := runTrigger(t, "G2", "none")
	expectClean(t, fixed)
	if observedInt(t, fixed, "big_payment_status") != 504 ||
		observedInt(t, fixed, "small_payment_status") != 201 ||
		observedInt(t, fixed, "leaked_goroutines") > 0 {
		fixed.dump(t)
		t.Fatal("fixed variant: expected the second payment approved and no goroutine left")
	}
}

// G3: a customer reads their order; then a request without any token asks for it.
func triggerG3(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs})
	served, wrong := 0, 0
	for i := 0; i < 200; i++ {
		if code, _ := do(s, "GET", "/v1/orders/o-1", "tok-u1", ""); code != 200 {
			wrong++
		}
		code, body := do(s, "GET", "/v1/orders/o-1", "", "")
		if code == 200 && strings.Contains(body, `"user":"u1"`) {
			served++
		} else if code != 401 {
			wrong++
		}
	}
	observe("anonymous_reads_served", served)
	observe("unexpected_statuses", wrong)
}

func TestG3PooledStateShouldLeakIdentityOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	buggy := runTrigger(t, "G3", "G3")
	if observedInt(t, buggy, "anonymous_reads_served") == 0 {
		buggy.dump(t)
		t.Fatal("buggy variant: expected an anonymous request to get u1's order")
	}
	fixed := runTrigger(t, "G3", "none")
	expectClean(t, fixed)
	if observedInt(t, fixed, "anonymous_reads_served") != 0 || observedInt(t, fixed, "unexpected_statuses") != 0 {
		fixed.dump(t)
		t.Fatal("fixed variant: anonymous requests must get 401")
	}
}

// G4: two customers reserve stock at the same moment.
func triggerG4(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs, WarehouseLatency: 5 * time.Millisecond, WarehouseTimeout: 2 * time.Second})
	stalled, attempts, wrong := 0, 0, 0
	for stalled == 0 && attempts < 10 {
		attempts++
		var a, b int
		stalled = together(500*time.Millisecond,
			func() { a, _ = do(s, "POST", "/v1/inventory/sku-3/reserve", "tok-u1", `{"qty":1}`) },
			func() { b, _ = do(s, "POST", "/v1/inventory/sku-3/reserve", "tok-u2", `{"qty":2}`) })
		if stalled == 0 && (a != 200 || b != 200) {
			wrong++
		}
	}
	observe("stalled_reservations", stalled)
	observe("attempts", attempts)
	observe("unexpected_statuses", wrong)
}

func TestG4SharedTimerShouldHangAReservationOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	buggy := runTrigger(t, "G4", "G4")
	if observedInt(t, buggy, "stalled_reservations") != 1 {
		buggy.dump(t)
		t.Fatal("buggy variant: expected one of two concurrent reservations to hang")
	}
	fixed := runTrigger(t, "G4", "none")
	expectClean(t, fixed)
	if observedInt(t, fixed, "stalled_reservations") != 0 || observedInt(t, fixed, "unexpected_statuses") != 0 {
		fixed.dump(t)
		t.Fatal("fixed variant: concurrent reservations must all succeed")
	}
}

// G5: an order of many lines with a coupon (the coupon is checked concurrently with
// the stock reservation of the lines).
func triggerG5(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs})
	items := make([]string, maxLines)
	for i := range items {
		items[i] = fmt.Sprintf(`{"sku":"sku-%d","qty":1}`, i%4+1)
	}
	body := `{"items":[` + strings.Join(items, ",") + `],"coupon":"SAVE10"}`
	wrong := 0
	for i := 0; i < 200; i++ {
		Reset()
		if code, _ := do(s, "POST", "/v1/orders", "tok-u2", body); code != 201 {
			wrong++
		}
	}
	observe("unexpected_statuses", wrong)
}

func TestG5AuditMapShouldBeWrittenConcurrentlyOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	buggy := runTrigger(t, "G5", "G5")
	fatal := strings.Contains(buggy.stderr, "fatal error: concurrent map writes")
	race := strings.Contains(buggy.stderr, "WARNING: DATA RACE") && strings.Contains(buggy.stderr, "checkCoupon")
	if !fatal && !race {
		buggy.dump(t)
		t.Fatal("buggy variant: expected concurrent map writes (fatal error, or the race detector's report)")
	}
	fixed := runTrigger(t, "G5", "none")
	expectClean(t, fixed)
	if observedInt(t, fixed, "unexpected_statuses") != 0 {
		t.Fatal("fixed variant: orders with a coupon must be placed")
	}
}

// G6: a customer renames themselves while their receipt is being printed.
func triggerG6(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs})
	wrong := 0
	for i := 0; i < 20; i++ {
		name := "Alice M. " + strconv.Itoa(i)
		var put, get int
		var receipt string
		together(5*time.Second,
			func() { put, _ = do(s, "PUT", "/v1/users/u1", "tok-u1", `{"display_name":"`+name+`"}`) },
			func() { get, receipt = do(s, "GET", "/v1/orders/o-1/receipt", "tok-u1", "") })
		if put != 200 || get != 200 || !strings.Contains(receipt, "Customer: Alice M") {
			wrong++
		}
	}
	observe("unexpected_statuses", wrong)
}

func TestG6DisplayNameShouldRaceWithReceiptsOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		expectRace(t, runTrigger(t, "G6", "G6"), "service.(*Service).putUser")
	}
	fixed := runTrigger(t, "G6", "none")
	expectClean(t, fixed)
	if observedInt(t, fixed, "unexpected_statuses") != 0 {
		t.Fatal("fixed variant: renames and receipts must both succeed")
	}
}

// G7: a customer places three orders, then looks at their loyalty points.
func triggerG7(t *testing.T, bugs Bugs) {
	s := New(Config{Bugs: bugs, LedgerLatency: 2 * time.Millisecond})
	want := int64(0)
	for i := 0; i < 3; i++ {
		code, _ := do(s, "POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-2","qty":1}]}`)
		if code == 201 {
			want += 12900 / 100
		}
	}
	time.Sleep(50 * time.Millisecond) // any background credit has long finished
	_, body := do(s, "GET", "/v1/users/u2/loyalty", "tok-u2", "")
	observe("expected_points", want)
	observe("loyalty", strings.TrimSpace(body))
}

func TestG7DeferredCreditShouldLosePointsOnBuggyVariantOnly(t *testing.T) {
	t.Parallel()
	buggy := runTrigger(t, "G7", "G7")
	if observedInt(t, buggy, "expected_points") != 387 || !strings.Contains(buggy.observed["loyalty"], `"points":0,`) {
		buggy.dump(t)
		t.Fatal("buggy variant: expected the points of all three orders to be lost")
	}
	fixed := runTrigger(t, "G7", "none")
	expectClean(t, fixed)
	if !strings.Contains(fixed.observed["loyalty"], `"points":387,`) {
		fixed.dump(t)
		t.Fatal("fixed variant: expected 387 points")
	}
}
