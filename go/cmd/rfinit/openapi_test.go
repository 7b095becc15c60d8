package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func specEndpoints(t *testing.T, text string) ([]endpoint, map[string]*param) {
	t.Helper()
	v, err := decodeSpec([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSpec("spec", v)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	eps, params, err := s.endpoints(&skipped)
	if err != nil {
		t.Fatal(err)
	}
	return eps, params
}

func find(eps []endpoint, method, path string) *endpoint {
	for i := range eps {
		if eps[i].Method == method && eps[i].Path == path {
			return &eps[i]
		}
	}
	return nil
}

func asJSON(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const openapi30YAML = `openapi: 3.0.3
info: {title: Shop, version: "1"}
servers:
  - url: http://127.0.0.1:8080/api
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  parameters:
    ItemID:
      name: id
      in: path
      required: true
      schema: {type: string, enum: [i-1, i-2]}
  schemas:
    Item:
      type: object
      properties:
        name: {type: string, example: lamp}
        qty: {type: integer}
        parent: {$ref: '#/components/schemas/Item'}
security:
  - bearer: []
paths:
  /items/{id}:
    parameters:
      - $ref: '#/components/parameters/ItemID'
    get:
      summary: one item
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Item'}
  /health:
    get:
      security: []
`

func TestOpenAPI30YAMLShouldGiveParamsBodiesAndAuth(t *testing.T) {
	eps, params := specEndpoints(t, openapi30YAML)
	if len(eps) != 3 {
		t.Fatalf("%d endpoints: %+v", len(eps), eps)
	}
	get := find(eps, "GET", "/api/items/{id}")
	if get == nil || get.Headers["Authorization"] != "Bearer racefuzz-token" {
		t.Fatalf("GET /api/items/{id}: %+v", get)
	}
	if got := asJSON(params["id"].Values); got != `["i-1","i-2"]` || params["id"].Guess != "" {
		t.Errorf("id values %s (guess %q)", got, params["id"].Guess)
	}
	put := find(eps, "PUT", "/api/items/{id}")
	if put == nil || put.Body != "json" ||
		asJSON(put.Example) != `{"name":"lamp","parent":null,"qty":1}` {
		t.Fatalf("PUT body: %+v %s", put, asJSON(put.Example))
	}
	if h := find(eps, "GET", "/api/health"); h == nil || len(h.Headers) != 0 {
		t.Errorf("health: %+v (security: [] means no auth)", h)
	}
}

const openapi31JSON = `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
 "paths": {"/users/{uid}": {"post": {
   "parameters": [{"name": "uid", "in": "path", "required": true,
                   "schema": {"type": ["integer", "null"], "examples": [7, 8]}},
                  {"name": "X-Tenant", "in": "header", "required": true, "example": "acme"},
                  {"name": "v", "in": "query", "required": true, "schema": {"default": 2}}],
   "requestBody": {"content": {"application/json": {
     "examples": {"a": {"value": {"name": "ann"}}}}}}}}}}`

func TestOpenAPI31JSONShouldTakeExamplesHeadersAndQuery(t *testing.T) {
	eps, params := specEndpoints(t, openapi31JSON)
	e := find(eps, "POST", "/users/{uid}?v=2")
	if e == nil || e.Headers["X-Tenant"] != "acme" || asJSON(e.Example) != `{"name":"ann"}` {
		t.Fatalf("%+v", eps)
	}
	if got := asJSON(params["uid"].Values); got != `["7","8"]` {
		t.Errorf("uid values %s", got)
	}
}

const swagger20YAML = `swagger: "2.0"
info: {title: pets, version: "1"}
basePath: /v2
securityDefinitions:
  key: {type: apiKey, in: header, name: X-API-Key}
paths:
  /pets/{petId}:
    get:
      security: [{key: []}]
      parameters:
        - {name: petId, in: path, required: true, type: integer, x-example: 42}
  /pets:
    post:
      parameters:
        - in: body
          name: body
          schema:
            type: object
            properties:
              tag: {type: string, enum: [dog, cat]}
`

func TestSwagger20ShouldGiveBasePathBodyParamAndAPIKey(t *testing.T) {
	eps, params := specEndpoints(t, swagger20YAML)
	g := find(eps, "GET", "/v2/pets/{petId}")
	if g == nil || g.Headers["X-API-Key"] != "racefuzz-api-key" {
		t.Fatalf("%+v", eps)
	}
	if asJSON(params["petId"].Values) != `["42"]` {
		t.Errorf("petId %v", params["petId"].Values)
	}
	p := find(eps, "POST", "/v2/pets")
	if p == nil || p.Body != "json" || asJSON(p.Example) != `{"tag":"dog"}` {
		t.Fatalf("POST /v2/pets: %+v", p)
	}
}

func TestBadSpecsShouldSayWhatIsWrong(t *testing.T) {
	cases := []struct{ text, want string }{
		{`{"openapi": "3.0.0", "paths": {"/a": {"$ref": "#/x"}}, "x": {"$ref": "#/paths/~1a"}}`,
			"$ref cycle"},
		{`{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "other.yaml#/p"}]}}}}`,
			"only references inside the document"},
		{`{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/nope"}]}}}}`,
			`no "nope"`},
		{`{"info": {}}`, "not an OpenAPI 3.x or Swagger 2.0 document"},
		{`{"openapi": "3.0.0"}`, `"paths": missing`},
		{`{"openapi": "3.0.0", "paths": {"/a": {"get": {"security": [{"nokey": []}]}}}}`,
			`security scheme "nokey": not defined`},
	}
	for _, c := range cases {
		v, err := decodeSpec([]byte(c.text))
		var s *spec
		if err == nil {
			s, err = newSpec("spec", v)
		}
		if err == nil {
			var skipped []string
			_, _, err = s.endpoints(&skipped)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.text, err, c.want)
		}
	}
}

// FuzzOpenAPI: any document is imported or refused with an error; what is imported has
// valid request targets and parameter values.
func FuzzOpenAPI(f *testing.F) {
	for _, s := range []string{openapi30YAML, openapi31JSON, swagger20YAML,
		`{"openapi": "3.0.0", "paths": {"/a": {"$ref": "#/paths/~1a"}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeSpec(data)
		if err != nil {
			return
		}
		s, err := newSpec("spec", v)
		if err != nil {
			return
		}
		var skipped []string
		eps, params, err := s.endpoints(&skipped)
		if err != nil {
			return
		}
		for _, e := range eps {
			if !validPath(e.Path) {
				t.Fatalf("invalid path %q", e.Path)
			}
			if _, err := encode(endpointsJSON([]endpoint{e})); err != nil {
				t.Fatalf("endpoint does not encode: %v", err)
			}
		}
		for n, p := range params {
			for _, v := range p.Values {
				if !validParamValue(v) {
					t.Fatalf("%s: invalid value %q", n, v)
				}
			}
		}
	})
}
