package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// flowParser reads YAML's one-line flow syntax: [a, b], {k: v}, quoted and plain scalars.
type flowParser struct {
	s     string
	i     int
	line  int
	depth int
}

// maxFlowDepth bounds nesting so a hostile spec cannot exhaust the stack.
const maxFlowDepth = 64

func (p *flowParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// value reads one node; inFlow says a plain scalar ends at , ] } (and : for keys).
func (p *flowParser) value(inFlow bool) (interface{}, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, yerr(p.line, "missing value")
	}
	switch p.s[p.i] {
	case '[', '{':
		p.depth++
		if p.depth > maxFlowDepth {
			return nil, yerr(p.line, "flow collections nested too deep")
		}
		defer func() { p.depth-- }()
		if p.s[p.i] == '[' {
			return p.seq()
		}
		return p.mapping()
	case '"', '\'':
		return p.quoted()
	case '&', '*':
		return nil, yerr(p.line, "anchors and aliases are not supported")
	case '!':
		return nil, yerr(p.line, "tags are not supported")
	}
	return resolvePlain(p.plain(inFlow, false)), nil
}

func (p *flowParser) plain(inFlow, key bool) string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if inFlow && (c == ',' || c == ']' || c == '}') {
			break
		}
		if key && c == ':' && (p.i+1 == len(p.s) || strings.IndexByte(" ,]}", p.s[p.i+1]) >= 0) {
			break
		}
		p.i++
	}
	return strings.TrimSpace(p.s[start:p.i])
}

func (p *flowParser) seq() (interface{}, error) {
	p.i++
	out := []interface{}{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return out, nil
		}
		v, err := p.value(true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.sep(']'); err != nil {
			return nil, err
		}
	}
}

// sep consumes a ',' or stops before the closing byte.
func (p *flowParser) sep(end byte) error {
	p.space()
	if p.i >= len(p.s) {
		return yerr(p.line, "unterminated flow collection (a flow collection must end on its line)")
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		return nil
	case end:
		return nil
	}
	return yerr(p.line, "expected ',' or '%c' at %q", end, p.s[p.i:])
}

func (p *flowParser) mapping() (interface{}, error) {
	p.i++
	out := map[string]interface{}{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		p.space()
		var v interface{}
		if p.i < len(p.s) && p.s[p.i] == ':' {
			p.i++
			p.space()
			if p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != '}' {
				if v, err = p.value(true); err != nil {
					return nil, err
				}
			}
		}
		if _, dup := out[k]; dup {
			return nil, yerr(p.line, "duplicate key %q", k)
		}
		out[k] = v
		if err := p.sep('}'); err != nil {
			return nil, err
		}
	}
}

func (p *flowParser) key() (string, error) {
	if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		return p.quoted()
	}
	if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '{') {
		return "", yerr(p.line, "complex keys are not supported")
	}
	k := p.plain(true, true)
	if k == "" {
		return "", yerr(p.line, "missing key in a flow mapping")
	}
	return k, nil
}

// quoted reads a 'single' or "double" quoted scalar that ends on this line.
func (p *flowParser) quoted() (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q && q == '\'' && p.i+1 < len(p.s) && p.s[p.i+1] == '\'':
			b.WriteByte('\'')
			p.i += 2
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && q == '"':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", yerr(p.line, "unterminated quoted scalar (quoted scalars must end on their line)")
}

var yamlEscapes = map[byte]string{'n': "\n", 't': "\t", 'r': "\r", '0': "\x00", '"': "\"",
	'\\': "\\", '/': "/", ' ': " ", 'a': "\a", 'b': "\b", 'e': "\x1b", 'f': "\f", 'v': "\v"}

func (p *flowParser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return yerr(p.line, "unterminated escape")
	}
	c := p.s[p.i+1]
	if e, ok := yamlEscapes[c]; ok {
		b.WriteString(e)
		p.i += 2
		return nil
	}
	n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if n == 0 || p.i+2+n > len(p.s) {
		return yerr(p.line, "bad escape \\%c", c)
	}
	v, err := strconv.ParseUint(p.s[p.i+2:p.i+2+n], 16, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return yerr(p.line, "bad escape %q", p.s[p.i:p.i+2+n])
	}
	b.WriteRune(rune(v))
	p.i += 2 + n
	return nil
}
