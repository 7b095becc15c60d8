package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// goPackage is one directory of the user's module, parsed (syntax only).
type goPackage struct {
	Dir    string // relative to the module root, "." for the root
	Import string
	Name   string
	Files  []*ast.File
}

// moduleScan is what init learns from a Go module's sources.
type moduleScan struct {
	Root, Path string
	Packages   []*goPackage
	Fset       *token.FileSet
}

// modulePath reads the module line of dir/go.mod.
func modulePath(dir string) (string, error) {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("%s: no go.mod (run init in a Go module's directory, or give --dir)", dir)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p, nil
			}
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s: no module line", filepath.Join(dir, "go.mod"))
}

// skipDir says which directories are not the module's own packages.
func skipDir(root, path, name string) bool {
	if path == root {
		return false
	}
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "vendor" ||
		name == "testdata" {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod")) // a nested module is not this one
	return err == nil
}

// scanModule parses every non-test .go file of the module under root. A file that does
// not parse is reported on stderr and skipped: init proposes, it does not build.
func scanModule(root string) (*moduleScan, error) {
	mod, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	m := &moduleScan{Root: root, Path: mod, Fset: token.NewFileSet()}
	byDir := map[string]*goPackage{}
	err = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			if skipDir(root, path, info.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, perr := parser.ParseFile(m.Fset, path, nil, parser.SkipObjectResolution)
		if perr != nil {
			fmt.Fprintf(os.Stderr, "racefuzz init: %v (skipped)\n", perr)
			return nil
		}
		m.add(byDir, path, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(m.Packages, func(i, j int) bool { return m.Packages[i].Dir < m.Packages[j].Dir })
	return m, nil
}

func (m *moduleScan) add(byDir map[string]*goPackage, path string, f *ast.File) {
	rel, _ := filepath.Rel(m.Root, filepath.Dir(path))
	rel = filepath.ToSlash(rel)
	p := byDir[rel]
	if p == nil {
		imp := m.Path
		if rel != "." {
			imp += "/" + rel
		}
		p = &goPackage{Dir: rel, Import: imp, Name: f.Name.Name}
		byDir[rel] = p
		m.Packages = append(m.Packages, p)
	}
	p.Files = append(p.Files, f)
}

// routes lists every route of the module with its position relative to the root.
func (m *moduleScan) routes() []route {
	var out []route
	for _, p := range m.Packages {
		for _, f := range p.Files {
			for _, r := range findRoutesInFile(m.Fset, f) {
				i := strings.LastIndex(r.Pos, ":")
				if rel, err := filepath.Rel(m.Root, r.Pos[:i]); err == nil {
					r.Pos = filepath.ToSlash(rel) + r.Pos[i:]
				}
				out = append(out, r)
			}
		}
	}
	return out
}
