package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// The route finder reads a file's syntax only (go/parser, go/ast): no type checking, no
// imports resolved, so a router library need not be downloaded. It recognises calls by
// their shape:
//   X.HandleFunc("PATTERN", h) / X.Handle("PATTERN", h)   net/http (Go 1.22 patterns),
//                                                          gorilla/mux (+ .Methods(...))
//   X.Get/Post/Put/Delete/Patch/Head("/p", h)              chi
//   X.Method("GET", "/p", h) / X.MethodFunc(...)           chi
//   X.GET/POST/PUT/DELETE/PATCH/HEAD/Any("/p", h)          gin, echo
//   X.Route("/p", func(r chi.Router) {...})                chi: a prefix for the body
//   v := X.Group("/p") / X.Group("/p", func(r ...){...})   gin, echo, chi: a prefix
// A path must be a string literal (or literals joined with +) starting with '/'.

// route is one registration found in a source file.
type route struct {
	Methods []string // empty: any method
	Path    string   // as written (pattern without its method)
	Style   string   // "stdlib", "mux", "colon" (gin/echo :id, *rest)
	Pos     string   // file:line
}

var chiMethods = map[string]string{"Get": "GET", "Post": "POST", "Put": "PUT",
	"Delete": "DELETE", "Patch": "PATCH", "Head": "HEAD"}

var ginMethods = map[string]string{"GET": "GET", "POST": "POST", "PUT": "PUT",
	"DELETE": "DELETE", "PATCH": "PATCH", "HEAD": "HEAD", "Any": ""}

type routeWalker struct {
	fset     *token.FileSet
	imports  map[string]string // local name -> import path
	prefix   map[string]string // variable -> path prefix it registers under
	methods  map[*ast.CallExpr][]string
	routes   []route
	colonish bool // the file imports gin or echo: ":id" segments are parameters
}

// findRoutesInFile returns the routes registered in one parsed file.
func findRoutesInFile(fset *token.FileSet, f *ast.File) []route {
	w := &routeWalker{fset: fset, imports: map[string]string{}, prefix: map[string]string{},
		methods: map[*ast.CallExpr][]string{}}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		w.imports[name] = p
		if strings.Contains(p, "gin-gonic/gin") || strings.Contains(p, "labstack/echo") {
			w.colonish = true
		}
	}
	// .Methods("GET", ...) applies to the HandleFunc call it is chained on.
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Methods" {
				if inner, ok := sel.X.(*ast.CallExpr); ok {
					w.methods[inner] = stringArgs(c.Args)
				}
			}
		}
		return true
	})
	for _, d := range f.Decls {
		w.walk(d)
	}
	return w.routes
}

func (w *routeWalker) walk(n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch t := n.(type) {
		case *ast.AssignStmt:
			w.assign(t)
		case *ast.CallExpr:
			return w.call(t)
		}
		return true
	})
}

// assign records v := X.Group("/p") (and PathPrefix("/p").Subrouter()) as a prefix of v.
func (w *routeWalker) assign(a *ast.AssignStmt) {
	if len(a.Lhs) != 1 || len(a.Rhs) != 1 {
		return
	}
	id, ok := a.Lhs[0].(*ast.Ident)
	if !ok {
		return
	}
	if p, ok := w.groupPrefix(a.Rhs[0]); ok {
		w.prefix[id.Name] = p
	}
}

func (w *routeWalker) groupPrefix(e ast.Expr) (string, bool) {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return "", false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	switch sel.Sel.Name {
	case "Group", "PathPrefix":
		if len(c.Args) >= 1 {
			if p, ok := literal(c.Args[0]); ok {
				return w.recvPrefix(sel.X) + p, true
			}
		}
	case "Subrouter":
		return w.groupPrefix(sel.X)
	}
	return "", false
}

// recvPrefix is the prefix a receiver expression registers under.
func (w *routeWalker) recvPrefix(x ast.Expr) string {
	switch t := x.(type) {
	case *ast.Ident:
		return w.prefix[t.Name]
	case *ast.CallExpr:
		p, _ := w.groupPrefix(t)
		return p
	}
	return ""
}

// call handles one call expression; false stops the walk below it (Route bodies are
// walked here, with their prefix).
func (w *routeWalker) call(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return true
	}
	name := sel.Sel.Name
	switch {
	case (name == "Route" || name == "Group") && len(c.Args) == 2:
		if p, ok := literal(c.Args[0]); ok {
			if fl, ok := c.Args[1].(*ast.FuncLit); ok {
				w.nested(fl, w.recvPrefix(sel.X)+p)
				return false
			}
		}
	case name == "HandleFunc" || name == "Handle":
		w.handle(c, sel)
	case chiMethods[name] != "" && len(c.Args) == 2:
		w.add(c, sel.X, []string{chiMethods[name]}, c.Args[0], "mux")
	case isGin(name) && len(c.Args) >= 2:
		var m []string
		if ginMethods[name] != "" {
			m = []string{ginMethods[name]}
		}
		w.add(c, sel.X, m, c.Args[0], "colon")
	case (name == "Method" || name == "MethodFunc") && len(c.Args) == 3:
		if m, ok := literal(c.Args[0]); ok {
			w.add(c, sel.X, []string{strings.ToUpper(m)}, c.Args[1], "mux")
		}
	}
	return true
}

func isGin(name string) bool {
	_, ok := ginMethods[name]
	return ok
}

// nested walks a Route/Group body with its parameter registering under prefix.
func (w *routeWalker) nested(fl *ast.FuncLit, prefix string) {
	var saved []string
	var names []string
	for _, f := range fl.Type.Params.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			saved = append(saved, w.prefix[n.Name])
			w.prefix[n.Name] = prefix
		}
	}
	w.walk(fl.Body)
	for i, n := range names {
		w.prefix[n] = saved[i]
	}
}

// handle is net/http's (and gorilla/mux's) HandleFunc/Handle: a Go 1.22 pattern may
// carry the method ("GET /items/{id}"); a chained .Methods(...) gives gorilla's.
func (w *routeWalker) handle(c *ast.CallExpr, sel *ast.SelectorExpr) {
	if len(c.Args) != 2 {
		return
	}
	pat, ok := literal(c.Args[0])
	if !ok {
		return
	}
	var methods []string
	if i := strings.IndexAny(pat, " \t"); i > 0 && !strings.HasPrefix(pat, "/") {
		methods = []string{strings.ToUpper(pat[:i])}
		pat = strings.TrimLeft(pat[i:], " \t")
	}
	if !strings.HasPrefix(pat, "/") {
		if i := strings.Index(pat, "/"); i > 0 { // a host pattern: "example.com/x"
			pat = pat[i:]
		}
	}
	if m, ok := w.methods[c]; ok {
		methods = m
	}
	style := "stdlib"
	if imp := w.recvImport(sel.X); imp != "net/http" && !w.isStdMux(sel.X) {
		style = "mux"
	}
	w.addPath(c, sel.X, methods, pat, style)
}

func (w *routeWalker) recvImport(x ast.Expr) string {
	if id, ok := x.(*ast.Ident); ok {
		return w.imports[id.Name]
	}
	return ""
}

// isStdMux guesses whether the receiver is a *http.ServeMux: without types, any receiver
// in a file that does not import gorilla/mux is taken for one.
func (w *routeWalker) isStdMux(x ast.Expr) bool {
	for _, p := range w.imports {
		if strings.Contains(p, "gorilla/mux") {
			return false
		}
	}
	return true
}

func (w *routeWalker) add(c *ast.CallExpr, recv ast.Expr, methods []string, pathArg ast.Expr,
	style string) {
	p, ok := literal(pathArg)
	if !ok {
		return
	}
	if style == "colon" && !w.colonish && !strings.ContainsAny(p, ":*") {
		style = "mux"
	}
	w.addPath(c, recv, methods, p, style)
}

func (w *routeWalker) addPath(c *ast.CallExpr, recv ast.Expr, methods []string, p, style string) {
	full := w.recvPrefix(recv) + p
	if !strings.HasPrefix(full, "/") {
		return
	}
	pos := w.fset.Position(c.Pos())
	w.routes = append(w.routes, route{Methods: methods, Path: full, Style: style,
		Pos: fmt.Sprintf("%s:%d", pos.Filename, pos.Line)})
}

// literal is the value of a string literal, or of literals joined with +.
func literal(e ast.Expr) (string, bool) {
	switch t := e.(type) {
	case *ast.BasicLit:
		if t.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(t.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if t.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(t.X)
		b, ok2 := literal(t.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(t.X)
	}
	return "", false
}

func stringArgs(args []ast.Expr) []string {
	var out []string
	for _, a := range args {
		if s, ok := literal(a); ok {
			out = append(out, strings.ToUpper(s))
		}
	}
	return out
}
