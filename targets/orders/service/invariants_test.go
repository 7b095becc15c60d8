package service

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestCheckExchangeShouldFlagAnAnonymousSuccessOnAPrivateRouteOnly(t *testing.T) {
	anon := httptest.NewRequest("GET", "/v1/orders/o-1", nil)
	if CheckExchange(anon, 200, nil) == nil {
		t.Fatal("anonymous 200 on GET /v1/orders/{id} must be flagged")
	}
	if err := CheckExchange(anon, 401, nil); err != nil {
		t.Fatalf("anonymous 401 is the right answer: %v", err)
	}
	for _, path := range []string{"/healthz", "/v1/inventory", "/v1/inventory/sku-1"} {
		if err := CheckExchange(httptest.NewRequest("GET", path, nil), 200, nil); err != nil {
			t.Fatalf("%s is public: %v", path, err)
		}
	}
	authed := httptest.NewRequest("GET", "/v1/orders/o-1", nil)
	authed.Header.Set("Authorization", "Bearer tok-u1")
	if err := CheckExchange(authed, 200, nil); err != nil {
		t.Fatalf("authenticated 200: %v", err)
	}
}

// The G7 sequence breaks the loyalty invariant on the buggy variant only.
func TestCheckInvariantsShouldSeeLostLoyaltyPointsOnBuggyVariantOnly(t *testing.T) {
	for _, v := range []struct {
		bugs    string
		wantErr bool
	}{{"G7", true}, {"none", false}} {
		registry.Lock()
		registry.services = nil
		registry.Unlock()
		s := New(Config{Bugs: MustParseBugs(v.bugs)})
		if err := CheckInvariants(); err != nil {
			t.Fatalf("%s: fresh service: %v", v.bugs, err)
		}
		status, body := do(s, "POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-2","qty":1}]}`)
		if status != 201 {
			t.Fatalf("%s: order: %d %s", v.bugs, status, body)
		}
		time.Sleep(50 * time.Millisecond) // the deferred credit (G7) has ended by then
		if err := CheckInvariants(); (err != nil) != v.wantErr {
			t.Fatalf("%s: CheckInvariants() = %v, want error %v", v.bugs, err, v.wantErr)
		}
	}
}
