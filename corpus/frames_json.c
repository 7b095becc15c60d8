#include "frames_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_bytes.h"
#include "frame.h"
#include "log.h"

/* Adds {"hex": ...} or, for printable bytes, {"text": ...} to obj. */
static bool add_bytes(cJSON *obj, const uint8_t *p, size_t n) {
    if (n > 0 && json_bytes_printable(p, n)) {
        char *t = json_bytes_dup(p, n);
        bool ok = t != NULL && cJSON_AddStringToObject(obj, "text", t) != NULL;
        free(t);
        return ok;
    }
    char *h = json_bytes_hex(p, n);
    bool ok = h != NULL && cJSON_AddStringToObject(obj, "hex", h) != NULL;
    free(h);
    return ok;
}

static bool add_trailing(cJSON *view, const struct frame_iter *it, enum frame_err err) {
    cJSON *t = cJSON_AddObjectToObject(view, "trailing");
    return t != NULL && cJSON_AddNumberToObject(t, "offset", (double)it->off) != NULL &&
           cJSON_AddStringToObject(t, "error", frame_strerror(err)) != NULL &&
           add_bytes(t, it->buf + it->off, it->size - it->off);
}

/* False when cJSON runs out of memory; the caller frees view either way. */
static bool fill_view(cJSON *view, const uint8_t *buf, size_t size) {
    cJSON *arr;
    if (cJSON_AddStringToObject(view, "format", "frames") == NULL ||
        cJSON_AddNumberToObject(view, "size", (double)size) == NULL ||
        (arr = cJSON_AddArrayToObject(view, "frames")) == NULL)
        return false;
    struct frame_iter it;
    struct frame f;
    enum frame_err err;
    frame_iter_init(&it, buf, size, UINT32_MAX);
    while ((err = frame_iter_next(&it, &f)) == FRAME_OK) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
            cJSON_AddNumberToObject(o, "len", f.len) == NULL || !add_bytes(o, f.data, f.len))
            return false;
    }
    return err == FRAME_END || add_trailing(view, &it, err);
}

cJSON *frames_json_view(const uint8_t *buf, size_t size) {
    cJSON *view = cJSON_CreateObject();
    if (view != NULL && !fill_view(view, buf, size)) {
        cJSON_Delete(view); /* one resource: no out: label */
        return NULL;
    }
    return view;
}

/* Appends n bytes, growing *buf. */
static bool append(uint8_t **buf, size_t *size, size_t *cap, const uint8_t *p, size_t n) {
    if (*size + n > *cap) {
        size_t c = (*size + n) * 2 + 64;
        uint8_t *q = realloc(*buf, c);
        if (q == NULL)
            return false;
        *buf = q;
        *cap = c;
    }
    if (n > 0)
        memcpy(*buf + *size, p, n);
    *size += n;
    return true;
}

static bool build_frame(const cJSON *o, size_t i, const char *origin, uint8_t **buf, size_t *size,
                        size_t *cap) {
    uint8_t *p;
    size_t n;
    const char *why;
    if (!json_bytes_decode(o, &p, &n, &why)) {
        LOG_E("%s: frames[%zu]: %s", origin, i, why);
        return false;
    }
    const cJSON *len = cJSON_GetObjectItemCaseSensitive(o, "len");
    bool ok = true;
    if (len != NULL && (!cJSON_IsNumber(len) || len->valuedouble != (double)n)) {
        LOG_E("%s: frames[%zu]: \"len\" says %g but the payload has %zu bytes", origin, i,
              cJSON_IsNumber(len) ? len->valuedouble : -1.0, n);
        ok = false;
    }
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_store_le32(hdr, (uint32_t)n);
    ok = ok && n <= UINT32_MAX && append(buf, size, cap, hdr, sizeof(hdr)) &&
         append(buf, size, cap, p, n);
    free(p);
    return ok;
}

bool frames_json_build(const cJSON *view, const char *origin, uint8_t **out, size_t *out_size) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(view, "frames");
    const cJSON *trailing = cJSON_GetObjectItemCaseSensitive(view, "trailing");
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, i = 0;
    bool ok = false;
    if (!cJSON_IsArray(arr)) {
        LOG_E("%s: expected an object with a \"frames\" array", origin);
        return false;
    }
    for (const cJSON *o = arr->child; o != NULL; o = o->next, i++)
        if (!build_frame(o, i, origin, &buf, &size, &cap))
            goto out;
    if (trailing != NULL) {
        uint8_t *p;
        size_t n;
        const char *why;
        if (!json_bytes_decode(trailing, &p, &n, &why)) {
            LOG_E("%s: trailing: %s", origin, why);
            goto out;
        }
        bool appended = append(&buf, &size, &cap, p, n);
        free(p);
        if (!appended)
            goto out;
    }
    *out = buf != NULL ? buf : malloc(1);
    *out_size = size;
    buf = NULL; /* *out's now */
    ok = *out != NULL;
out:
    free(buf);
    return ok;
}
