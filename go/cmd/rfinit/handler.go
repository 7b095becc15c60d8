package main

import (
	"fmt"
	"go/ast"
	"strings"
)

// A handler proposal: the go section's package and handler expression.
type handlerGuess struct {
	Package, Expr, Why string
}

// handlerTypes are result types that are http.Handlers, by their syntax.
var handlerTypes = map[string]bool{"http.Handler": true, "*http.ServeMux": true,
	"*chi.Mux": true, "chi.Router": true, "*mux.Router": true, "*gin.Engine": true,
	"*echo.Echo": true}

func typeString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return "*" + typeString(t.X)
	case *ast.SelectorExpr:
		return typeString(t.X) + "." + t.Sel.Name
	}
	return ""
}

// zeroArg is a placeholder argument of a parameter's type, for a constructor that takes
// some; the user replaces it (the proposal says so).
func zeroArg(pkg string, e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		switch t.Name {
		case "string":
			return `""`
		case "bool":
			return "false"
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
			"uint64", "float32", "float64", "byte", "rune", "uintptr":
			return "0"
		}
		if ast.IsExported(t.Name) {
			return pkg + "." + t.Name + "{}"
		}
	case *ast.SelectorExpr:
		return typeString(t) + "{}"
	}
	return "nil"
}

type candidate struct {
	pkg   *goPackage
	fn    *ast.FuncDecl
	score int
}

// score ranks a constructor: importable package, no parameters, a telling name.
func score(p *goPackage, fn *ast.FuncDecl) int {
	s := 0
	if p.Name != "main" {
		s += 100
	}
	if fn.Type.Params.NumFields() == 0 {
		s += 20
	}
	switch fn.Name.Name {
	case "New", "NewHandler", "NewRouter", "NewServer", "Handler", "Router", "Routes", "NewMux":
		s += 10
	}
	return s
}

func (m *moduleScan) candidates() []candidate {
	var out []candidate
	for _, p := range m.Packages {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil ||
					fn.Type.Results.NumFields() != 1 || fn.Type.TypeParams != nil {
					continue
				}
				if handlerTypes[typeString(fn.Type.Results.List[0].Type)] {
					out = append(out, candidate{p, fn, score(p, fn)})
				}
			}
		}
	}
	return out
}

// proposeHandler picks the best constructor of an http.Handler in the module, or falls
// back to http.DefaultServeMux when routes are registered on it.
func (m *moduleScan) proposeHandler(routes []route) handlerGuess {
	var best *candidate
	for _, c := range m.candidates() {
		c := c
		if best == nil || c.score > best.score {
			best = &c
		}
	}
	if best == nil {
		return m.defaultMux(routes)
	}
	var args []string
	for _, f := range best.fn.Type.Params.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			args = append(args, zeroArg(best.pkg.Name, f.Type))
		}
	}
	pos := m.Fset.Position(best.fn.Pos())
	g := handlerGuess{Package: best.pkg.Import,
		Expr: fmt.Sprintf("%s.%s(%s)", best.pkg.Name, best.fn.Name.Name, strings.Join(args, ", "))}
	g.Why = fmt.Sprintf("%s returns a %s (%s:%d)", best.fn.Name.Name,
		typeString(best.fn.Type.Results.List[0].Type), relPath(m.Root, pos.Filename), pos.Line)
	if len(args) > 0 {
		g.Why += "; its arguments are placeholders to replace"
	}
	if best.pkg.Name == "main" {
		g.Why += "; it is in package main, which go mode cannot import: move it to a package of its own"
	}
	return g
}

// defaultMux proposes http.DefaultServeMux for routes registered on it, naming an
// exported identifier of the package so the bridge's import of it is used (Go refuses an
// unused import) and its init functions run.
func (m *moduleScan) defaultMux(routes []route) handlerGuess {
	var pkg *goPackage
	for _, p := range m.Packages {
		if p.Name != "main" && (pkg == nil || registersRoutes(m, p)) {
			pkg = p
		}
	}
	g := handlerGuess{Package: m.Path, Expr: "http.DefaultServeMux",
		Why: "no function returning an http.Handler found: name yours"}
	if pkg == nil {
		return g
	}
	g.Package = pkg.Import
	use := exportedUse(pkg)
	if use != "" {
		g.Expr = "func() http.Handler { _ = " + use + "; return http.DefaultServeMux }()"
	}
	g.Why = "no function returning an http.Handler found; the routes must be registered on " +
		"http.DefaultServeMux by an init() of this package (go mode does not run main)"
	if len(routes) == 0 {
		g.Why = "no route and no function returning an http.Handler found: name yours"
	}
	return g
}

func registersRoutes(m *moduleScan, p *goPackage) bool {
	for _, f := range p.Files {
		if len(findRoutesInFile(m.Fset, f)) > 0 {
			return true
		}
	}
	return false
}

// exportedUse is an expression naming one exported function, variable or type of p.
func exportedUse(p *goPackage) string {
	for _, f := range p.Files {
		for _, d := range f.Decls {
			switch t := d.(type) {
			case *ast.FuncDecl:
				if t.Recv == nil && t.Name.IsExported() && t.Type.TypeParams == nil {
					return p.Name + "." + t.Name.Name
				}
			case *ast.GenDecl:
				for _, sp := range t.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok && ts.Name.IsExported() && ts.TypeParams == nil {
						return "(*" + p.Name + "." + ts.Name.Name + ")(nil)"
					}
					if vs, ok := sp.(*ast.ValueSpec); ok && vs.Names[0].IsExported() {
						return p.Name + "." + vs.Names[0].Name
					}
				}
			}
		}
	}
	return ""
}
