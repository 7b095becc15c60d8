#include "json_bytes.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"

bool json_bytes_printable(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return false;
    return true;
}

char *json_bytes_hex(const uint8_t *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

char *json_bytes_dup(const uint8_t *p, size_t n) {
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

bool json_bytes_decode(const cJSON *obj, uint8_t **p, size_t *n, const char **why) {
    const cJSON *hex = cJSON_GetObjectItemCaseSensitive(obj, "hex");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(obj, "text");
    *p = NULL;
    *why = "needs a \"hex\" or a \"text\" string";
    if (cJSON_IsString(text)) {
        *n = strlen(text->valuestring);
        *p = (uint8_t *)json_bytes_dup((const uint8_t *)text->valuestring, *n);
        *why = "out of memory";
        return *p != NULL;
    }
    if (!cJSON_IsString(hex))
        return false;
    size_t cap = strlen(hex->valuestring) / 2 + 1;
    *p = malloc(cap);
    *why = "\"hex\" has an odd length or a non-hex digit";
    if (*p != NULL && dict_hex_decode(hex->valuestring, *p, cap, n))
        return true;
    free(*p);
    *p = NULL;
    return false;
}
