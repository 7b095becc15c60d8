package service

import (
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// ratesCSV is the reference-rate file: units of each currency per US dollar, in
// millionths. A deployment fetches it daily; the sample ships one.
const ratesCSV = `currency,per_usd_micros
EUR,921500
GBP,789200
JPY,151340000
CAD,1362000
CHF,903100
AUD,1529800
`

var errCurrency = errors.New("unsupported currency")

type rateTable struct {
	perUSD map[string]int64 // micros of the currency per dollar
}

// fxTable is loaded on first use: most requests are in USD and never need it.
var (
	fxTable *rateTable
	fxOnce  = new(sync.Once)
)

func fxRates(bugs Bugs) *rateTable {
	if bugs.Has(G1) {
		// BUG G1: check-then-set without synchronisation. Two requests that are the
		// first to need a conversion both see nil and both store a table, racing
		// with each other's reads.
		if fxTable == nil {
			fxTable = loadRates()
		}
		return fxTable
	}
	fxOnce.Do(func() { fxTable = loadRates() })
	return fxTable
}

// resetRates unloads the table, as in a fresh process. Only while no request runs.
func resetRates() {
	fxTable = nil
	fxOnce = new(sync.Once)
}

func loadRates() *rateTable {
	rows, err := csv.NewReader(strings.NewReader(ratesCSV)).ReadAll()
	if err != nil {
		panic("service: bad embedded rates: " + err.Error())
	}
	t := &rateTable{perUSD: map[string]int64{}}
	for _, row := range rows[1:] {
		micros, err := strconv.ParseInt(row[1], 10, 64)
		if err != nil || micros <= 0 {
			panic("service: bad embedded rate for " + row[0])
		}
		t.perUSD[row[0]] = micros
	}
	return t
}

// toUSD converts cents of cur into USD cents, rounding down. Amounts are bounded by the
// handlers (at most 1e9), so the products cannot overflow.
func toUSD(bugs Bugs, cents int64, cur string) (int64, error) {
	if cur == "USD" {
		return cents, nil
	}
	m, ok := fxRates(bugs).perUSD[cur]
	if !ok {
		return 0, errCurrency
	}
	return cents * 1000000 / m, nil
}

// fromUSD converts USD cents into cents of cur, rounding down.
func fromUSD(bugs Bugs, usdCents int64, cur string) (int64, error) {
	if cur == "USD" {
		return usdCents, nil
	}
	m, ok := fxRates(bugs).perUSD[cur]
	if !ok {
		return 0, errCurrency
	}
	return usdCents * m / 1000000, nil
}
