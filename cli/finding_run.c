/* A campaign's findings into the crash store (finding_run.h). */
#define _GNU_SOURCE
#include "finding_run.h"

#include <stdio.h>
#include <string.h>

struct store_ctx {
    const struct finding *base;
    const struct campaign_result *r;
    const char *log; /* the engine log, when it speaks of this one finding only */
    struct finding_tally *t;
};

/* A store problem is reported, never fatal: the engine's copy of the input stays where
 * the campaign's lines say. */
static void store_one(const char *input, void *arg) {
    struct store_ctx *c = arg;
    struct store_entry e;
    struct finding f = *c->base;
    if (strcmp(f.mode, "go") == 0)
        f.sanitizer = "race"; /* go mode's harness runs under Go's race detector, never ASan */
    f.input = input;
    f.report = c->log;
    f.found_after_s = campaign_finding_time(c->r, input, &f.found_at);
    if (f.found_after_s < 0)
        f.found_at = 0;
    if (!finding_store(&f, &e))
        return;
    c->t->stored++;
    if (e.is_new && c->t->new_sigs < sizeof(c->t->new_dirs) / sizeof(c->t->new_dirs[0]))
        snprintf(c->t->new_dirs[c->t->new_sigs], sizeof(c->t->new_dirs[0]), "%s", e.dir);
    c->t->new_sigs += e.is_new;
    printf("stored: %s (%s, seen %lu time%s, found after %.1fs); input %s\n", e.dir,
           e.is_new ? "new" : "known", e.count, e.count == 1 ? "" : "s",
           f.found_after_s > 0 ? f.found_after_s : 0, e.input);
}

static void note_first(const char *input, void *arg) {
    struct store_ctx *c = arg;
    double s = campaign_finding_time(c->r, input, NULL);
    c->t->files++;
    if (s >= 0 && (c->t->first_s < 0 || s < c->t->first_s))
        c->t->first_s = s;
}

void finding_run_store(const struct finding *base, const struct campaign_opts *o,
                       const struct campaign_result *r, struct finding_tally *t) {
    struct store_ctx c = {base, r, NULL, t};
    memset(t, 0, sizeof(*t));
    t->first_s = -1;
    campaign_each_finding(o, note_first, &c);
    if (t->first_s < 0)
        t->first_s = r->seconds;
    if (t->files == 0)
        return;
    c.log = t->files == 1 ? r->log : NULL;
    if (t->files > 1)
        printf("%zu findings: each replayed for its own report\n", t->files);
    campaign_each_finding(o, store_one, &c);
}
