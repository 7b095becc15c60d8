#include "mutator_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "log.h"

static bool env_uint(const char *name, unsigned long max, unsigned long *out) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return true;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0' || n > max) {
        LOG_E("%s=%s: expected an integer in 0..%lu", name, v, max);
        return false;
    }
    *out = n;
    return true;
}

static bool load_dict(struct dict *d) {
    const char *path = getenv("RACEFUZZ_DICT");
    if (path == NULL || *path == '\0')
        return true;
    struct fileio_buf text;
    if (!fileio_read(path, RF_MAX_FILE_SIZE, &text))
        return false;
    size_t bad_line = 0;
    bool ok = dict_parse(d, (const char *)text.data, text.size, &bad_line);
    if (!ok)
        LOG_E("%s:%zu: malformed dictionary line (expected name=\"value\")", path, bad_line);
    fileio_buf_free(&text);
    return ok;
}

static bool load_fixups(struct fixup_list *fx) {
    const char *spec = getenv("RACEFUZZ_FIXUPS"), *why;
    fx->count = 0;
    if (spec == NULL || fixup_parse(spec, fx, &why))
        return true;
    LOG_E("RACEFUZZ_FIXUPS=%s: %s", spec, why);
    return false;
}

bool mutator_env_load(struct frame_mutate_opts *o, struct dict *d, struct fixup_list *fx) {
    size_t max_size = o->max_size;
    unsigned long max_len = RF_FRAME_MAX_LEN_DEFAULT, lie = RF_MUT_LIE_ONE_IN, sched = 0;
    frame_mutate_default_opts(o, max_size);
    dict_init(d);
    bool ok = env_uint("RACEFUZZ_MAX_FRAME_LEN", UINT32_MAX, &max_len) &&
              env_uint("RACEFUZZ_LIE_ONE_IN", 1u << 20, &lie) &&
              env_uint("RACEFUZZ_SCHEDULE_FRAME", 1, &sched) && load_dict(d) && load_fixups(fx);
    o->fixups = fx;
    o->skip_first = sched == 1;
    o->max_frame_len = (uint32_t)max_len;
    o->lie_one_in = (unsigned)lie;
    o->dict = d;
    return ok;
}
