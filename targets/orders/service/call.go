package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
)

// maxJSONBody bounds a JSON request body: the largest legitimate one, an order of 50
// lines, is under 4 KiB.
const maxJSONBody = 64 << 10

// principal is who is calling, from the bearer token.
type principal struct {
	userID string
	admin  bool
}

// reqState is the per-request scratch the middleware hands to handlers: the caller and
// a buffer responses are encoded into. Pooled: there is one per request in flight.
type reqState struct {
	caller principal
	authed bool
	buf    bytes.Buffer
}

// release returns st to the pool for the next request.
func (st *reqState) release(pool *sync.Pool, bugs Bugs) {
	st.buf.Reset()
	if !bugs.Has(G3) {
		st.caller, st.authed = principal{}, false
	}
	// BUG G3 (when on): only the buffer is reset. authenticate sets the caller only when
	// a request carries a token, so the next request without one that gets this state
	// runs as whoever used it last.
	pool.Put(st)
}

// call is one request as handlers see it.
type call struct {
	s      *Service
	be     *backend
	st     *reqState
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	status int
}

// authenticate reads "Authorization: Bearer <token>". A request without the header goes
// on anonymous (handlers decide); a bad token is refused here.
func (c *call) authenticate() bool {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return true
	}
	tok := strings.TrimPrefix(h, "Bearer ")
	p, ok := c.be.store.principalFor(tok)
	if tok == h || !ok {
		c.fail(http.StatusUnauthorized, "bad_token", "unknown or malformed bearer token")
		return false
	}
	c.st.caller, c.st.authed = p, true
	return true
}

// caller is the authenticated principal; when there is none it answers 401 and
// returns false.
func (c *call) caller() (principal, bool) {
	if !c.st.authed {
		c.fail(http.StatusUnauthorized, "unauthenticated", "this endpoint needs a bearer token")
		return principal{}, false
	}
	return c.st.caller, true
}

// mayActFor reports whether p may read or change what belongs to userID.
func (p principal) mayActFor(userID string) bool {
	return p.admin || p.userID == userID
}

// decode reads a JSON body into v; on failure it answers 400 and returns false.
func (c *call) decode(v interface{}) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	if err != nil {
		c.fail(http.StatusBadRequest, "bad_json", err.Error())
		return false
	}
	return true
}

// readBody reads a raw body of at most limit bytes; on failure it answers and returns
// false.
func (c *call) readBody(limit int64) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, limit))
	if err != nil {
		c.fail(http.StatusRequestEntityTooLarge, "body_too_large", err.Error())
		return nil, false
	}
	return b, true
}

func (c *call) json(status int, v interface{}) {
	c.st.buf.Reset()
	if err := json.NewEncoder(&c.st.buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		c.st.buf.Reset()
		c.st.buf.WriteString(`{"error":{"code":"encode","message":"response encoding failed"}}` + "\n")
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.write(status, c.st.buf.Bytes())
}

func (c *call) text(status int, body string) {
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.write(status, []byte(body))
}

func (c *call) write(status int, body []byte) {
	c.status = status
	c.w.WriteHeader(status)
	_, _ = c.w.Write(body) // a client gone away is not the service's error
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (c *call) fail(status int, code, msg string) {
	c.json(status, map[string]apiError{"error": {Code: code, Message: msg}})
}
