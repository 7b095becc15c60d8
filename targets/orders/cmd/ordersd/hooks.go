package main

import (
	"net/http"

	"racefuzz/targets/orders/service"
)

// withFuzzHooks serves racefuzz's http-mode hooks in front of the service: the reset
// between inputs and the invariant check after each (the same ones go mode calls
// in-process).
func withFuzzHooks(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/internal/reset", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		service.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/internal/invariants", func(w http.ResponseWriter, r *http.Request) {
		if err := service.CheckInvariants(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.Handle("/", next)
	return mux
}
