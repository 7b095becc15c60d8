package service

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"racefuzz/targets/orders/protocgo"
)

// Behaviour of the fixed variant, request by request.

func fixed(t *testing.T) *Service {
	t.Helper()
	return New(Config{GatewayTimeout: 50 * time.Millisecond, ReviewDelay: 100 * time.Millisecond})
}

// expect sends a request and checks the status and that the body contains every want.
func expect(t *testing.T, s *Service, method, path, token, body string, status int, want ...string) string {
	t.Helper()
	code, got := do(s, method, path, token, body)
	if code != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, code, status, got)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s %s: body %s lacks %q", method, path, got, w)
		}
	}
	return got
}

func TestHealthzShouldReportTheVariant(t *testing.T) {
	expect(t, fixed(t), "GET", "/healthz", "", "", 200, `"status":"ok"`, `"bugs":"none"`)
	expect(t, New(Config{Bugs: G1 | G2}), "GET", "/healthz", "", "", 200, `"bugs":"G1,G2"`)
	New(Config{}) // the C decoder's bugs follow the last New: back to fixed
}

func TestRoutingShouldAnswer404And405(t *testing.T) {
	s := fixed(t)
	expect(t, s, "GET", "/v2/orders", "", "", 404, "not_found")
	expect(t, s, "GET", "/v1/orders/o-1/receipt/extra", "tok-u1", "", 404)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/orders/o-1", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" {
		t.Fatalf("DELETE: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestAuthShouldRefuseMissingAndUnknownTokens(t *testing.T) {
	s := fixed(t)
	expect(t, s, "GET", "/v1/orders/o-1", "", "", 401, "unauthenticated")
	expect(t, s, "GET", "/v1/orders/o-1", "tok-nobody", "", 401, "bad_token")
	expect(t, s, "GET", "/v1/orders/o-1", "tok-u2", "", 404) // not u2's
	expect(t, s, "GET", "/v1/orders/o-1", "tok-ops", "", 200, `"user":"u1"`)
}

func TestUsersShouldSignUpReadAndRename(t *testing.T) {
	s := fixed(t)
	body := `{"id":"carol","display_name":"Carol Diaz","email":"carol@example.com"}`
	expect(t, s, "POST", "/v1/users", "", body, 201, `"token":"tok-carol"`)
	expect(t, s, "POST", "/v1/users", "", body, 409, "user_exists")
	expect(t, s, "POST", "/v1/users", "", `{"id":"Bad Id","display_name":"x","email":"x@y"}`, 422)
	expect(t, s, "POST", "/v1/users", "", `{"id":"dave","nickname":"d"}`, 400, "bad_json")
	expect(t, s, "GET", "/v1/users/carol", "tok-carol", "", 200, `"display_name":"Carol Diaz"`)
	expect(t, s, "GET", "/v1/users/u1", "tok-carol", "", 404)
	expect(t, s, "PUT", "/v1/users/carol", "tok-carol", `{"display_name":"Carol D."}`, 200, `"display_name":"Carol D."`, `"email":"carol@example.com"`)
	expect(t, s, "PUT", "/v1/users/carol", "tok-carol", `{"email":"no-at-sign"}`, 422)
	expect(t, s, "PUT", "/v1/users/u1", "tok-carol", `{"display_name":"Mallory"}`, 404)
}

func TestOrdersShouldBePlacedWithCouponsAndStock(t *testing.T) {
	s := fixed(t)
	got := expect(t, s, "POST", "/v1/orders", "tok-u2",
		`{"items":[{"sku":"sku-1","qty":2},{"sku":"sku-2","qty":1}],"coupon":"espresso20"}`, 201,
		`"id":"o-2"`, `"coupon":"ESPRESSO20"`)
	var o Order
	if err := json.Unmarshal([]byte(got), &o); err != nil {
		t.Fatal(err)
	}
	if o.SubtotalCents != 17800 || o.DiscountCents != 980 || o.TotalCents != 16820 || o.User != "u2" {
		t.Fatalf("order amounts %+v", o)
	}
	expect(t, s, "GET", "/v1/inventory/sku-2", "", "", 200, `"stock":49`)
	expect(t, s, "POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-5","qty":11}]}`, 409, "out_of_stock")
	expect(t, s, "POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-2","qty":1}],"coupon":"FREEBIE"}`, 422, "invalid_coupon")
	expect(t, s, "GET", "/v1/inventory/sku-2", "", "", 200, `"stock":49`) // given back
	expect(t, s, "POST", "/v1/orders", "tok-u2", `{"items":[]}`, 422)
	expect(t, s, "POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-9","qty":1}]}`, 422)
	expect(t, s, "POST", "/v1/orders", "tok-u2", `{"user":"u1","items":[{"sku":"sku-1","qty":1}]}`, 403)
	expect(t, s, "POST", "/v1/orders", "tok-ops", `{"user":"u1","items":[{"sku":"sku-1","qty":1}]}`, 201, `"user":"u1"`)
	expect(t, s, "GET", "/v1/orders", "tok-u2", "", 200, `"id":"o-2"`)
	expect(t, s, "GET", "/v1/users/u2/loyalty", "tok-u2", "", 200, `"points":168,`)
}

func TestOrderViewShouldConvertCurrencyAndPrintReceipts(t *testing.T) {
	s := fixed(t)
	expect(t, s, "GET", "/v1/orders/o-1?currency=eur", "tok-u1", "", 200, `"display":{"currency":"EUR","total_cents":4515}`)
	expect(t, s, "GET", "/v1/orders/o-1?currency=XYZ", "tok-u1", "", 422, "bad_currency")
	expect(t, s, "GET", "/v1/orders/o-1/receipt", "tok-u1", "", 200,
		"Receipt for order o-1", "Customer: Alice Martin (u1)", "Espresso beans 1kg", "Total 49.00 USD")
}

func TestCancelShouldReturnStockOnlyForUnpaidOrders(t *testing.T) {
	s := fixed(t)
	expect(t, s, "POST", "/v1/orders/o-1/cancel", "tok-u1", "", 200, `"status":"cancelled"`)
	expect(t, s, "GET", "/v1/inventory/sku-1", "", "", 200, `"stock":500`)
	expect(t, s, "POST", "/v1/orders/o-1/cancel", "tok-u1", "", 409)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":100,"card":"tok_visa"}`, 409, "not_payable")
}

func TestPaymentsShouldApproveDeclineAndTimeOut(t *testing.T) {
	s := fixed(t)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":100,"card":"tok_declined"}`, 402, `"status":"declined"`)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":1000,"currency":"GBP","card":"tok_visa"}`, 201,
		`"id":"p-2"`, `"usd_cents":1267`, `"status":"approved"`)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":60000,"card":"tok_visa"}`, 504, "gateway_timeout")
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":3633,"card":"tok_visa"}`, 201)
	expect(t, s, "GET", "/v1/orders/o-1", "tok-u1", "", 200, `"status":"paid"`, `"paid_cents":4900`)
	expect(t, s, "GET", "/v1/payments/p-2", "tok-u1", "", 200, `"currency":"GBP"`)
	expect(t, s, "GET", "/v1/payments/p-2", "tok-u2", "", 404)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":100,"currency":"XXX","card":"tok_visa"}`, 409)
	expect(t, s, "POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":0,"card":"tok_visa"}`, 422)
}

func TestInventoryShouldBeManagedByOperatorsAndReserved(t *testing.T) {
	s := fixed(t)
	expect(t, s, "GET", "/v1/inventory", "", "", 200, `"sku":"sku-5"`)
	expect(t, s, "PUT", "/v1/inventory/sku-3", "tok-u1", `{"stock":5}`, 403)
	expect(t, s, "PUT", "/v1/inventory/sku-3", "tok-ops", `{"stock":5}`, 200, `"stock":5`)
	expect(t, s, "PUT", "/v1/inventory/sku-3", "tok-ops", `{"stock":-1}`, 422)
	expect(t, s, "POST", "/v1/inventory/sku-3/reserve", "tok-u1", `{"qty":3}`, 200, `"stock":2`, `"reserved":3`)
	expect(t, s, "POST", "/v1/inventory/sku-3/reserve", "tok-u1", `{"qty":3}`, 409, "out_of_stock")
	expect(t, s, "POST", "/v1/inventory/sku-3/reserve", "", `{"qty":1}`, 401)
	expect(t, s, "GET", "/v1/inventory/sku-0", "", "", 404)
}

func framesSession() []byte {
	var b bytes.Buffer
	b.Write(protocgo.Message(protocgo.MsgHello, protocgo.TLV(protocgo.TagClient, []byte("pos-12"))))
	b.Write(protocgo.Message(protocgo.MsgAuth, protocgo.Fields(protocgo.TLV(protocgo.TagUser, []byte("u1")),
		protocgo.TLV(protocgo.TagToken, []byte("tok-u1-0123")))))
	b.Write(protocgo.Message(protocgo.MsgOrder, protocgo.Fields(protocgo.TLV(protocgo.TagSKU, []byte("sku-4")),
		protocgo.TLV(protocgo.TagQty, protocgo.U16(2)), protocgo.TLV(protocgo.TagShipTo, []byte("pick up in store")))))
	return b.Bytes()
}

func TestFramesShouldDecodeSessionsThroughTheCLayer(t *testing.T) {
	s := fixed(t)
	stream := framesSession()
	expect(t, s, "POST", "/v1/frames", "", string(stream), 200,
		`"client":"pos-12"`, `"ship_to":"PICK UP IN STORE"`, `"messages":{"auth":1,"hello":1,"order":1}`)
	stream[len(stream)-1]++ // break the last checksum
	expect(t, s, "POST", "/v1/frames", "", string(stream), 400, `"error_frame":2`, "bad checksum", `"frames":2`)
	big := strings.Repeat("x", int(maxFramesBody)+1)
	expect(t, s, "POST", "/v1/frames", "", big, 413)
}

func TestResetShouldRestoreTheSeedState(t *testing.T) {
	s := fixed(t)
	expect(t, s, "POST", "/v1/orders", "tok-u1", `{"items":[{"sku":"sku-5","qty":1}]}`, 201, `"id":"o-2"`)
	expect(t, s, "PUT", "/v1/users/u1", "tok-u1", `{"display_name":"A"}`, 200)
	s.Reset()
	expect(t, s, "GET", "/v1/orders/o-2", "tok-u1", "", 404)
	expect(t, s, "GET", "/v1/inventory/sku-5", "", "", 200, `"stock":10`)
	expect(t, s, "GET", "/v1/users/u1", "tok-u1", "", 200, "Alice Martin")
	expect(t, s, "GET", "/v1/users/u1/loyalty", "tok-u1", "", 200, `"points":0,`)
	Reset() // the package-level hook reaches it too
	expect(t, s, "POST", "/v1/orders", "tok-u1", `{"items":[{"sku":"sku-5","qty":1}]}`, 201, `"id":"o-2"`)
}
