package adapter

import (
	"bytes"
	"net/http"
	"strings"
)

// baseURL is the origin every step's target is resolved against.
const baseURL = "http://racefuzz.local"

// newRequest builds the request of one step as a server would hand it to a handler:
// origin-form URL (no scheme or host), RequestURI and RemoteAddr set, a Host header moved
// to Request.Host, and a context.Background-based context without deadline (the handler's
// own middleware sets those). An error means the target or method does not parse.
func newRequest(st *Step) (*http.Request, error) {
	target := st.Target
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	req, err := http.NewRequest(st.Method, baseURL+target, bytes.NewReader(st.Body))
	if err != nil {
		return nil, err
	}
	req.URL.Scheme, req.URL.Host = "", ""
	req.RequestURI = target
	req.RemoteAddr = "192.0.2.1:1234"
	req.Header = st.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host
		req.Header.Del("Host")
	}
	return req, nil
}

// ParseHeaderBlock parses raw "Name: value" lines (ended by "\r\n" or "\n") into a
// Header, leniently: a line without a colon, with an empty or non-token name, or with a
// value holding control characters (which a real server would reject before the
// handler) is skipped, and parsing goes on with the next line. Names are canonicalized
// and values trimmed, as net/http does. Never returns nil.
func ParseHeaderBlock(b []byte) http.Header {
	h := http.Header{}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			continue
		}
		value := bytes.Trim(line[colon+1:], " \t")
		if !validValue(value) {
			continue
		}
		h.Add(string(line[:colon]), string(value))
	}
	return h
}

// isToken reports whether b is an RFC 7230 token (a valid header name).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validValue reports whether b holds no control characters other than tab.
func validValue(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
