package main

import (
	"os"
	"path/filepath"
	"testing"
)

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandlerShouldBeTheImportableConstructor(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.19\n",
		"main.go": "package main\nimport \"net/http\"\nfunc Routes() http.Handler { return nil }\n" +
			"func main() { http.ListenAndServe(\":1\", Routes()) }\n",
		"srv/srv.go": "package server\nimport (\"net/http\"; \"github.com/go-chi/chi/v5\")\n" +
			"type Config struct{}\nfunc NewWith(c Config, n int) *chi.Mux { return nil }\n" +
			"func New() http.Handler { return nil }\n",
	})
	m, err := scanModule(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := m.proposeHandler(nil)
	if g.Package != "example.com/m/srv" || g.Expr != "server.New()" {
		t.Errorf("got %+v", g)
	}
}

func TestHandlerShouldFallBackToTheDefaultMuxUsingThePackage(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.19\n",
		"api/api.go": "package api\nimport \"net/http\"\nvar Version = \"1\"\n" +
			"func init() { http.HandleFunc(\"/v\", nil) }\n",
	})
	m, err := scanModule(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := m.proposeHandler(m.routes())
	want := "func() http.Handler { _ = api.Version; return http.DefaultServeMux }()"
	if g.Package != "example.com/m/api" || g.Expr != want {
		t.Errorf("got %+v", g)
	}
}
