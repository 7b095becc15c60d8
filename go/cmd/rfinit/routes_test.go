package main

import (
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// found is what the finder reports for a source, as "METHOD path" lines after templating.
func found(t *testing.T, src string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	var out []string
	for _, e := range routeEndpoints(findRoutesInFile(fset, f), map[string][]string{}, &skipped) {
		out = append(out, e.Method+" "+e.Path)
	}
	return out
}

func TestRoutesShouldBeFoundByShape(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"stdlib 1.22 patterns", `package p
import "net/http"
func New() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", nil)
	mux.HandleFunc("POST /items", nil)
	mux.Handle("/files/{path...}", nil)
	mux.HandleFunc("DELETE example.com/items/{id}/{$}", nil)
	http.HandleFunc("/v1/" + "ping", nil)
	mux.HandleFunc(pattern, nil)
	return mux
}`, []string{"GET /items/{id}", "POST /items", "GET /files/{path}", "DELETE /items/{id}/",
			"GET /v1/ping"}},
		{"chi", `package p
import "github.com/go-chi/chi/v5"
func routes(r chi.Router) {
	r.Get("/users/{userID}", nil)
	r.Route("/orders", func(r chi.Router) {
		r.Post("/", nil)
		r.Route("/{orderID}", func(sub chi.Router) { sub.Delete("/items/{n}", nil) })
	})
	r.Method("PATCH", "/x", nil)
	r.Get("/after", nil)
}`, []string{"GET /users/{userID}", "POST /orders/", "DELETE /orders/{orderID}/items/{n}",
			"PATCH /x", "GET /after"}},
		{"gorilla/mux", `package p
import "github.com/gorilla/mux"
func New() *mux.Router {
	r := mux.NewRouter()
	r.HandleFunc("/articles/{id:[0-9]+}", nil).Methods("GET", "PUT")
	r.Handle("/static/", nil)
	api := r.PathPrefix("/api").Subrouter()
	api.HandleFunc("/v/{key}", nil).Methods("POST")
	return r
}`, []string{"GET /articles/{id}", "PUT /articles/{id}", "GET /static/", "POST /api/v/{key}"}},
		{"gin and echo", `package p
import "github.com/gin-gonic/gin"
func New() *gin.Engine {
	r := gin.New()
	v1 := r.Group("/v1")
	v1.GET("/things/:id", nil)
	v1.POST("/things", nil)
	r.PUT("/files/*rest", nil)
	r.OPTIONS("/x", nil)
	return r
}`, []string{"GET /v1/things/{id}", "POST /v1/things", "PUT /files/{rest}"}},
		{"not routes", `package p
import ("net/http"; "os")
func f(m map[string]string, h http.Header) {
	os.Getenv("X")
	h.Get("Content-Type")
	http.Get("http://x/y")
	cache.Get("key", 1)
}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := found(t, c.src); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestMuxRegexpShouldHintValues(t *testing.T) {
	hints := map[string][]string{}
	if got := template("/a/{id:[0-9]+}/{kind:(red|blue)}", "mux", hints); got != "/a/{id}/{kind}" {
		t.Fatalf("template: %q", got)
	}
	want := map[string][]string{"id": {"1", "2", "3"}, "kind": {"red", "blue"}}
	if !reflect.DeepEqual(hints, want) {
		t.Fatalf("hints %v, want %v", hints, want)
	}
}

// FuzzRoutes: any Go source that parses gives routes whose endpoints are valid request
// targets racefuzz's loader accepts; nothing panics.
func FuzzRoutes(f *testing.F) {
	f.Add("package p\nfunc f() { m.HandleFunc(\"GET /a/{id}\", nil); r.Route(\"/x\", func(r R) { r.Get(\"/{y:[0-9]+}\", h) }) }")
	f.Add("package p\nimport \"github.com/gin-gonic/gin\"\nfunc f() { g := r.Group(\"/v\"); g.GET(\"/:id/*r\", nil) }")
	f.Add("package p\nfunc f() { r.HandleFunc(\"/a/{b:(x|y)}\", h).Methods(\"PUT\") }")
	f.Fuzz(func(t *testing.T, src string) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
		if err != nil {
			return
		}
		var skipped []string
		for _, e := range routeEndpoints(findRoutesInFile(fset, file), map[string][]string{}, &skipped) {
			if !validPath(e.Path) || !knownMethods[e.Method] {
				t.Fatalf("invalid endpoint %s %q", e.Method, e.Path)
			}
		}
	})
}
