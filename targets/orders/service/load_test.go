package service

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A mixed load over real loopback connections on the fixed variant: every request
// must get a well-formed answer, none a 5xx, and the race detector (when built in)
// must stay quiet. This is the acceptance check "serves a mixed load without errors".
func TestFixedVariantShouldServeAMixedLoadWithoutErrors(t *testing.T) {
	srv := httptest.NewServer(New(Config{}))
	defer srv.Close()
	frames := framesSession()
	type req struct {
		method, path, token, body string
	}
	mix := []req{
		{"GET", "/healthz", "", ""},
		{"GET", "/v1/inventory", "", ""},
		{"GET", "/v1/orders/o-1", "tok-u1", ""},
		{"GET", "/v1/orders/o-1?currency=JPY", "tok-u1", ""},
		{"GET", "/v1/orders/o-1/receipt", "tok-ops", ""},
		{"POST", "/v1/orders", "tok-u2", `{"items":[{"sku":"sku-4","qty":1},{"sku":"sku-3","qty":1}],"coupon":"SAVE10"}`},
		{"PUT", "/v1/users/u1", "tok-u1", `{"display_name":"Alice Martin"}`},
		{"GET", "/v1/users/u2/loyalty", "tok-u2", ""},
		{"POST", "/v1/inventory/sku-4/reserve", "tok-u2", `{"qty":1}`},
		{"POST", "/v1/payments", "tok-u1", `{"order_id":"o-1","amount_cents":1,"currency":"CHF","card":"tok_declined"}`},
		{"POST", "/v1/frames", "", string(frames)},
		{"GET", "/v1/orders/o-1", "", ""},
	}
	const workers, rounds = 8, 12
	client := &http.Client{Timeout: 10 * time.Second}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds*len(mix); i++ {
				r := mix[(i+w)%len(mix)]
				hr, _ := http.NewRequest(r.method, srv.URL+r.path, bytes.NewBufferString(r.body))
				if r.token != "" {
					hr.Header.Set("Authorization", "Bearer "+r.token)
				}
				resp, err := client.Do(hr)
				if err != nil {
					errs <- err
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					errs <- fmt.Errorf("%s %s: %d %s", r.method, r.path, resp.StatusCode, body)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
