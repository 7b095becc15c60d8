package main

import (
	"fmt"
	"strconv"
	"strings"
)

// A reader for the subset of YAML that API specs are written in, producing the values
// encoding/json would (map[string]interface{}, []interface{}, string, float64, bool, nil):
//   - block mappings and block sequences by indentation (spaces; a sequence may sit at
//     its key's indentation), "- key: v" items, "- - x" nesting;
//   - plain, 'single' ('' escapes) and "double" (\n \t \" \\ \/ \uXXXX ...) quoted scalars;
//     plain ones resolve to null (~, null, empty), true/false, numbers, else strings;
//     a plain value may continue on more indented lines (folded with spaces);
//   - block scalars | and > with the - and + chomping indicators;
//   - flow [a, b] and {k: v} on one line, nested;
//   - # comments, a leading "---" and a trailing "...".
// Not supported, each an error naming the line: anchors and aliases (& *), tags (!),
// several documents, complex keys (?), tabs in indentation, flow collections spanning
// lines, quoted scalars spanning lines.

type yline struct {
	num    int
	indent int
	text   string // without indentation and comment
	raw    string // the whole line, for block scalars
}

type yamlReader struct {
	lines []yline
	pos   int
}

type yamlError struct {
	line int
	msg  string
}

func (e *yamlError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func yerr(line int, format string, a ...interface{}) error {
	return &yamlError{line, fmt.Sprintf(format, a...)}
}

// parseYAML reads one YAML document.
func parseYAML(data []byte) (interface{}, error) {
	r := &yamlReader{}
	if err := r.split(string(data)); err != nil {
		return nil, err
	}
	if len(r.lines) == 0 {
		return nil, nil
	}
	v, err := r.block(r.lines[0].indent)
	if err != nil {
		return nil, err
	}
	if r.pos < len(r.lines) {
		return nil, yerr(r.lines[r.pos].num, "unexpected indentation or content")
	}
	return v, nil
}

func (r *yamlReader) split(s string) error {
	s = strings.TrimPrefix(s, "\ufeff")
	for i, raw := range strings.Split(s, "\n") {
		raw = strings.TrimRight(raw, "\r")
		body := strings.TrimLeft(raw, " ")
		indent := len(raw) - len(body)
		if strings.HasPrefix(body, "\t") {
			return yerr(i+1, "tab in indentation")
		}
		text := strings.TrimRight(stripComment(body), " \t")
		if text == "---" && len(r.lines) == 0 && indent == 0 {
			continue
		}
		if text == "..." && indent == 0 {
			break
		}
		if text == "---" && indent == 0 {
			return yerr(i+1, "several documents are not supported")
		}
		r.lines = append(r.lines, yline{num: i + 1, indent: indent, text: text, raw: raw})
	}
	// Blank lines matter only inside block scalars, which read raw lines; drop the rest
	// lazily: block() skips them.
	return nil
}

// stripComment cuts a # comment that starts the line or follows a space, outside quotes.
func stripComment(s string) string {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
					i++
				} else {
					q = 0
				}
			} else if c == '\\' && q == '"' {
				i++
			}
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" [{,:-", s[i-1]) >= 0):
			q = c
		}
	}
	return s
}

func (r *yamlReader) skipBlank() {
	for r.pos < len(r.lines) && r.lines[r.pos].text == "" {
		r.pos++
	}
}

// block reads the node starting at the current line, indented at least min.
func (r *yamlReader) block(min int) (interface{}, error) {
	r.skipBlank()
	if r.pos >= len(r.lines) || r.lines[r.pos].indent < min {
		return nil, nil
	}
	l := r.lines[r.pos]
	if err := unsupported(l); err != nil {
		return nil, err
	}
	if isSeqItem(l.text) {
		return r.sequence(l.indent)
	}
	if _, _, ok, err := splitKey(l); err != nil {
		return nil, err
	} else if ok {
		return r.mapping(l.indent)
	}
	r.pos++
	return r.scalarValue(l, l.text, l.indent-1)
}

func unsupported(l yline) error {
	switch {
	case strings.HasPrefix(l.text, "&") || strings.HasPrefix(l.text, "*"):
		return yerr(l.num, "anchors and aliases are not supported")
	case strings.HasPrefix(l.text, "!"):
		return yerr(l.num, "tags are not supported")
	case strings.HasPrefix(l.text, "? ") || l.text == "?":
		return yerr(l.num, "complex keys are not supported")
	case strings.HasPrefix(l.text, "%"):
		return yerr(l.num, "directives are not supported")
	}
	return nil
}

func isSeqItem(t string) bool { return t == "-" || strings.HasPrefix(t, "- ") }

func (r *yamlReader) sequence(ind int) (interface{}, error) {
	out := []interface{}{}
	for {
		r.skipBlank()
		if r.pos >= len(r.lines) {
			return out, nil
		}
		l := r.lines[r.pos]
		if l.indent != ind || !isSeqItem(l.text) {
			if l.indent > ind {
				return nil, yerr(l.num, "unexpected indentation in a sequence")
			}
			return out, nil
		}
		rest := strings.TrimLeft(l.text[1:], " ")
		var v interface{}
		var err error
		if rest == "" {
			r.pos++
			v, err = r.block(ind + 1)
		} else {
			// The item's content is read as a line of its own at its column, so
			// "- key: v" followed by "  key2: w" is one mapping.
			col := ind + len(l.text) - len(rest)
			r.lines[r.pos] = yline{num: l.num, indent: col, text: rest, raw: l.raw}
			v, err = r.block(col)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func (r *yamlReader) mapping(ind int) (interface{}, error) {
	out := map[string]interface{}{}
	for {
		r.skipBlank()
		if r.pos >= len(r.lines) {
			return out, nil
		}
		l := r.lines[r.pos]
		if l.indent < ind || l.indent == ind && isSeqItem(l.text) {
			return out, nil
		}
		if l.indent > ind {
			return nil, yerr(l.num, "unexpected indentation in a mapping")
		}
		key, rest, ok, err := splitKey(l)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, yerr(l.num, "expected \"key: value\"")
		}
		if _, dup := out[key]; dup {
			return nil, yerr(l.num, "duplicate key %q", key)
		}
		r.pos++
		v, err := r.value(l, rest, ind)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
}

// value reads what follows "key:": on the same line, or a nested block below.
func (r *yamlReader) value(l yline, rest string, ind int) (interface{}, error) {
	if rest == "" {
		r.skipBlank()
		if r.pos < len(r.lines) {
			n := r.lines[r.pos]
			if n.indent > ind || n.indent == ind && isSeqItem(n.text) {
				return r.block(n.indent)
			}
		}
		return nil, nil
	}
	if strings.HasPrefix(rest, "&") || strings.HasPrefix(rest, "*") {
		return nil, yerr(l.num, "anchors and aliases are not supported")
	}
	if strings.HasPrefix(rest, "!") {
		return nil, yerr(l.num, "tags are not supported")
	}
	if rest[0] == '|' || rest[0] == '>' {
		return r.blockScalar(l, rest, ind)
	}
	return r.scalarValue(l, rest, ind)
}

// scalarValue is a flow collection, a quoted scalar or a plain scalar, the latter
// continued on following lines indented more than ind.
func (r *yamlReader) scalarValue(l yline, s string, ind int) (interface{}, error) {
	switch s[0] {
	case '[', '{', '"', '\'':
		p := &flowParser{s: s, line: l.num}
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i != len(p.s) {
			return nil, yerr(l.num, "unexpected %q after the value", p.s[p.i:])
		}
		return v, nil
	}
	parts := []string{s}
	for r.pos < len(r.lines) {
		n := r.lines[r.pos]
		if n.text == "" || n.indent <= ind || isSeqItem(n.text) {
			break
		}
		if _, _, ok, _ := splitKey(n); ok {
			break
		}
		parts = append(parts, n.text)
		r.pos++
	}
	return resolvePlain(strings.Join(parts, " ")), nil
}

// blockScalar reads a | (literal) or > (folded) scalar from the raw lines below.
func (r *yamlReader) blockScalar(l yline, head string, ind int) (interface{}, error) {
	chomp := byte(0)
	for _, c := range head[1:] {
		switch {
		case c == '-' || c == '+':
			chomp = byte(c)
		case c >= '1' && c <= '9':
		default:
			return nil, yerr(l.num, "bad block scalar header %q", head)
		}
	}
	var lines []string
	col := -1
	for r.pos < len(r.lines) {
		n := r.lines[r.pos]
		if strings.TrimSpace(n.raw) != "" && n.indent <= ind {
			break
		}
		if col < 0 && strings.TrimSpace(n.raw) != "" {
			col = n.indent
		}
		if col >= 0 && len(n.raw) >= col {
			lines = append(lines, n.raw[col:])
		} else {
			lines = append(lines, "")
		}
		r.pos++
	}
	return chompText(joinBlock(lines, head[0] == '>'), chomp), nil
}

func joinBlock(lines []string, folded bool) string {
	if !folded {
		return strings.Join(lines, "\n") + "\n"
	}
	var b strings.Builder
	for i, s := range lines {
		// A break between two lines folds to a space; each empty line is one newline.
		switch {
		case i == 0 || lines[i-1] == "" && s != "":
		case s == "" || strings.HasPrefix(s, " ") || strings.HasPrefix(lines[i-1], " "):
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String() + "\n"
}

func chompText(s string, chomp byte) string {
	trimmed := strings.TrimRight(s, "\n")
	switch chomp {
	case '-':
		return trimmed
	case '+':
		return s
	}
	if trimmed == "" {
		return ""
	}
	return trimmed + "\n"
}

// splitKey splits "key: rest" (the key plain or quoted); ok is false for a line that is
// not a mapping entry.
func splitKey(l yline) (key, rest string, ok bool, err error) {
	t := l.text
	if t == "" || t[0] == '[' || t[0] == '{' || isSeqItem(t) {
		return "", "", false, nil
	}
	if t[0] == '"' || t[0] == '\'' {
		p := &flowParser{s: t, line: l.num}
		k, qerr := p.quoted()
		if qerr != nil {
			return "", "", false, qerr
		}
		p.space()
		if p.i < len(t) && t[p.i] == ':' && (p.i+1 == len(t) || t[p.i+1] == ' ') {
			return k, strings.TrimSpace(t[p.i+1:]), true, nil
		}
		return "", "", false, nil
	}
	for i := 0; i < len(t); i++ {
		if t[i] == ':' && (i+1 == len(t) || t[i+1] == ' ') {
			return strings.TrimRight(t[:i], " "), strings.TrimSpace(t[i+1:]), true, nil
		}
	}
	return "", "", false, nil
}

// resolvePlain gives a plain scalar its JSON type (YAML 1.2 core schema, decimal only).
func resolvePlain(s string) interface{} {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	if looksNumeric(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return s
}

func looksNumeric(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == '+':
			if i != 0 && s[i-1] != 'e' && s[i-1] != 'E' {
				return false
			}
		case c == '.' || c == 'e' || c == 'E':
		default:
			return false
		}
	}
	return digits > 0
}
