package gofuzz

import (
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"racefuzz/go/adapter"
	"racefuzz/targets/orders/service"
)

// The handler as racefuzz.json's "go" section builds it: the variant comes from
// ORDERS_BUGS, once per process.
var handler = service.New(service.Config{Bugs: service.MustParseBugs(os.Getenv("ORDERS_BUGS"))})

// Default budgets, as in racefuzz's go mode (common/rf_config.h RF_GO_*: the adapter's
// defaults), with the same oracles: the service's per-answer check and its invariant.
var opts = adapter.Options{
	Check: func(x adapter.Exchange) error {
		return service.CheckExchange(x.Req, x.Status, x.Body)
	},
	Invariant: service.CheckInvariants,
}

// FuzzSchedule runs each input as a sequential schedule. Seeds: every file of
// $GOFUZZ_SEEDS (the directory racefuzz fuzz starts from).
func FuzzSchedule(f *testing.F) {
	if dir := os.Getenv("GOFUZZ_SEEDS"); dir != "" {
		names, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			f.Fatal(err)
		}
		sort.Strings(names)
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			t.Skip()
		}
		Sequential(s)
		service.Reset()
		out := adapter.Run(handler, s, opts)
		if out.Finding != nil {
			t.Fatal(out.Finding.Report())
		}
	})
}

var _ http.Handler = handler
