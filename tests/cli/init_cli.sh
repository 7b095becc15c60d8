#!/usr/bin/env bash
# `racefuzz init` end to end on projects written here, outside the repository: a Go
# module (net/http with Go 1.22 patterns, a chi-like and a gin-like file), an OpenAPI 3.0
# JSON spec, a Swagger 2.0 YAML spec, a bad spec, a C header. Every generated config must
# load (`corpus gen --config`); an existing racefuzz.json is not replaced without --force.
# usage: init_cli.sh RACEFUZZ_BIN
set -euo pipefail
bin=$1
. "$(dirname "$0")/lib.sh"

svc=$work/svc
mkdir -p "$svc/api" "$svc/cmd/svcd"
printf 'module example.com/shop\n\ngo 1.22\n' >"$svc/go.mod"
cat >"$svc/api/api.go" <<'GO'
package api

import "net/http"

func New() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", nil)
	mux.HandleFunc("POST /items", nil)
	mux.HandleFunc("/files/{path...}", nil)
	mux.HandleFunc("GET /healthz", nil)
	return mux
}
GO
cat >"$svc/api/chi.go" <<'GO'
package api

import "github.com/go-chi/chi/v5"

func chiRoutes(r chi.Router) {
	r.Route("/v2/orders", func(r chi.Router) {
		r.Put("/{orderID:[0-9]+}", nil)
	})
}
GO
cat >"$svc/api/gin.go" <<'GO'
package api

import "github.com/gin-gonic/gin"

func ginRoutes(r *gin.Engine) {
	v := r.Group("/v3")
	v.DELETE("/things/:id", nil)
}
GO
cat >"$svc/cmd/svcd/main.go" <<'GO'
package main

import (
	"flag"
	"net/http"

	"example.com/shop/api"
)

func main() {
	addr := flag.String("listen-addr", "127.0.0.1:8080", "")
	flag.Parse()
	_ = http.ListenAndServe(*addr, api.New())
}
GO
(cd "$svc" && "$bin" init >/dev/null) || fail "init in a Go module failed"
cfg=$svc/racefuzz.json
for want in '"method": "GET",' '"path": "/items/{id}"' '"path": "/files/{path}"' \
  '"path": "/v2/orders/{orderID}"' '"path": "/v3/things/{id}"' '"method": "DELETE"' \
  '"handler": "api.New()"' '"package": "example.com/shop/api"' '"health": "/healthz"' \
  '"-listen-addr",' '"{out}/svcd",' '"_todo_reset"' '"_guess"'; do
  grep -qF -- "$want" "$cfg" || fail "racefuzz.json lacks $want: $(cat "$cfg")"
done
"$bin" corpus gen --format schedule --config "$cfg" --count 2 --out "$work/s1" >/dev/null ||
  fail "the Go module's config does not load"
[ "$(ls "$work/s1" | wc -l)" -eq 8 ] || fail "expected 6 endpoint seeds + 2: $(ls "$work/s1")"

expect_usage_error "$cfg exists" "$bin" init --dir "$svc"
"$bin" init --dir "$svc" --force --name shop2 >/dev/null || fail "--force did not replace"
grep -qF '"name": "shop2"' "$cfg" || fail "--force --name not obeyed"

mkdir "$work/oa"
cat >"$work/oa/spec.json" <<'JSON'
{"openapi": "3.0.3", "info": {"title": "Pet Store", "version": "1"},
 "components": {"securitySchemes": {"tok": {"type": "http", "scheme": "bearer"}},
   "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string", "example": "rex"}}}}},
 "security": [{"tok": []}],
 "paths": {"/pets/{petId}": {
   "get": {"parameters": [{"name": "petId", "in": "path", "required": true,
                           "schema": {"type": "string", "enum": ["p-1", "p-2"]}}]},
   "put": {"parameters": [{"name": "petId", "in": "path", "required": true, "example": "p-3"}],
           "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}}}
JSON
"$bin" init --dir "$work/oa" --openapi "$work/oa/spec.json" >/dev/null || fail "init --openapi JSON"
for want in '"name": "Pet-Store"' '"p-1",' '"p-3"' '"Authorization": "Bearer racefuzz-token"' \
  '"name": "rex"'; do
  grep -qF -- "$want" "$work/oa/racefuzz.json" || fail "JSON spec: lacks $want"
done
"$bin" corpus gen --format schedule --config "$work/oa/racefuzz.json" --count 1 --out "$work/s2" \
  >/dev/null || fail "the JSON spec's config does not load"

mkdir "$work/sw"
cat >"$work/sw/spec.yaml" <<'YAML'
swagger: "2.0"
info: {title: pets, version: "1"}
basePath: /v1
securityDefinitions:
  key: {type: apiKey, in: header, name: X-API-Key}
security: [{key: []}]
paths:
  /pets/{petId}:
    get:
      # the id is an integer
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
              kind: {type: string, enum: [dog, cat]}
YAML
"$bin" init --dir "$work/sw" --openapi "$work/sw/spec.yaml" >/dev/null || fail "init --openapi YAML"
for want in '"path": "/v1/pets/{petId}"' '"42"' '"X-API-Key": "racefuzz-api-key"' '"kind": "dog"'; do
  grep -qF -- "$want" "$work/sw/racefuzz.json" || fail "YAML spec: lacks $want"
done
"$bin" corpus gen --format schedule --config "$work/sw/racefuzz.json" --count 1 --out "$work/s3" \
  >/dev/null || fail "the YAML spec's config does not load"

mkdir "$work/bad"
printf 'openapi: 3.0.0\npaths:\n  /a: &anchor\n    get: {}\n' >"$work/bad/spec.yaml"
expect_usage_error "$work/bad/spec.yaml: invalid YAML (or YAML racefuzz does not read): line 3: anchors" \
  "$bin" init --dir "$work/bad" --openapi "$work/bad/spec.yaml"
echo '{"openapi": "3.0.0", "paths": {"/a": {"$ref": "#/paths/~1a"}}}' >"$work/bad/cycle.json"
expect_usage_error "$work/bad/cycle.json: paths[\"/a\"]: \$ref cycle" \
  "$bin" init --dir "$work/bad" --openapi "$work/bad/cycle.json"
[ ! -e "$work/bad/racefuzz.json" ] || fail "a bad spec left a racefuzz.json"
[ -z "$(ls -A "$work/bad" | grep -v '^spec.yaml$\|^cycle.json$')" ] || fail "a bad spec left files"

mkdir -p "$work/clib/include" "$work/clib/src"
cat >"$work/clib/include/codec.h" <<'H'
#include <stddef.h>
#include <stdint.h>
/* codec_fake(const uint8_t *p, size_t n); is a comment, not a function */
int codec_init(void);
void codec_reset(void);
int codec_print(const char *fmt, int x);
int codec_decode_frame(const uint8_t *buf, size_t len);
H
touch "$work/clib/src/codec.c" "$work/clib/src/util.c"
"$bin" init --dir "$work/clib" --frames "$work/clib/include/codec.h" >/dev/null || fail "--frames"
for want in '"decode":	"codec_decode_frame"' '"init":	"codec_init"' '"reset":	"codec_reset"' \
  '"name":	"codec"' '"src/codec.c"' '"include"' '"_guess_decode"'; do
  grep -qF -- "$want" "$work/clib/racefuzz.json" || fail "--frames: lacks $want: $(cat "$work/clib/racefuzz.json")"
done
"$bin" corpus gen --config "$work/clib/racefuzz.json" --count 2 --out "$work/s4" >/dev/null ||
  fail "the header's config does not load"
echo 'int nothing(void);' >"$work/clib/none.h"
expect_usage_error "$work/clib/none.h: no function taking a buffer" \
  "$bin" init --dir "$work/clib" --force --frames "$work/clib/none.h"
echo "ok"
