#include "mutator_config.h"

#include <stddef.h>

#include "dict.h"
#include "fixup.h"
#include "log.h"
#include "shape.h"

bool mutator_config_dict(const struct target_config *cfg, const char *path, bool *written) {
    struct shape_set shapes;
    static struct dict d; /* large: kept off the stack */
    const cJSON *frames = target_config_section(cfg, "frames");
    *written = false;
    if (frames == NULL)
        return true; /* no protocol of its own: HTTP-only targets */
    if (!shape_parse(frames, cfg->path, &shapes))
        return false;
    dict_init(&d);
    bool ok =
        shape_collect_dict(frames, &shapes, &d) && (d.count == 0 || dict_write_file(&d, path));
    *written = ok && d.count > 0;
    shape_free(&shapes);
    return ok;
}

bool mutator_config_fixups(const struct target_config *cfg, const char **spec) {
    const cJSON *fx =
        cJSON_GetObjectItemCaseSensitive(target_config_section(cfg, "frames"), "fixups");
    struct fixup_list list;
    const char *why;
    *spec = NULL;
    if (fx == NULL)
        return true;
    if (!cJSON_IsString(fx) || !fixup_parse(fx->valuestring, &list, &why)) {
        LOG_E("%s: frames.fixups: %s", cfg->path, cJSON_IsString(fx) ? why : "expected a string");
        return false;
    }
    *spec = fx->valuestring;
    return true;
}
