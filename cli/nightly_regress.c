/* The nightly job's regression replay (nightly.h): every crash stored before the job is
 * replayed against today's build with the environment it was found in, and what that
 * means for CI follows from whether it is marked fixed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "nightly.h"
#include "procgroup.h"
#include "replay.h"
#include "replay_args.h"
#include "report_set.h"
#include "store.h"

const char *nightly_outcome_name(enum nightly_outcome o) {
    static const char *const names[] = {[NIGHTLY_FIXED_HOLDS] = "fixed",
                                        [NIGHTLY_REGRESSION] = "regression",
                                        [NIGHTLY_OPEN] = "open",
                                        [NIGHTLY_NOT_REPRODUCED] = "not-reproduced",
                                        [NIGHTLY_REPLAY_FAILED] = "replay-failed"};
    return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

static void add_known(struct nightly *n, const struct report_entry *e) {
    struct nightly_known *k = &n->known[n->nknown++];
    memset(k, 0, sizeof(*k));
    snprintf(k->target, sizeof(k->target), "%s", e->target);
    snprintf(k->name, sizeof(k->name), "%s", e->name);
    snprintf(k->dir, sizeof(k->dir), "%s", e->dir);
    snprintf(k->kind, sizeof(k->kind), "%s", report_set_field(e->json, "Kind"));
    k->fixed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e->json, "Fixed"));
}

bool nightly_known_load(struct nightly *n, const char *root, const char *target) {
    struct report_set s;
    if (access(root, F_OK) != 0)
        return true; /* no finding stored yet */
    if (!report_set_load(root, &s))
        return false;
    for (size_t i = 0; i < s.n && n->nknown < NIGHTLY_MAX_KNOWN; i++)
        if (strcmp(s.v[i].target, target) == 0)
            add_known(n, &s.v[i]);
    bool ok = s.malformed == 0;
    if (!ok)
        LOG_E("%s: %u malformed report.json under it (named above), not replayed", root,
              s.malformed);
    report_set_free(&s);
    return ok;
}

/* The stored input of k, as replay takes it: the file its report.json names. */
static bool input_of(const struct nightly_known *k, char *out, size_t cap) {
    cJSON *j = store_load_report(k->dir);
    const char *file = report_set_field(j, "InputFile");
    bool ok = *file != '\0' && snprintf(out, cap, "%s/%s", k->dir, file) < (int)cap;
    cJSON_Delete(j);
    return ok;
}

static enum nightly_outcome judge(const struct nightly_known *k) {
    if (k->fixed)
        return k->hits > 0 ? NIGHTLY_REGRESSION : NIGHTLY_FIXED_HOLDS;
    return k->hits > 0 ? NIGHTLY_OPEN : NIGHTLY_NOT_REPRODUCED;
}

/* One stored crash through replay's own resolution (its target, mode, sanitizer, env and
 * config come from its report.json), in the sandbox. */
static void replay_one(struct nightly_known *k, unsigned attempts) {
    static struct replay_args a;
    char input[4400], n[16];
    struct replay_opts o;
    struct replay_result r;
    k->outcome = NIGHTLY_REPLAY_FAILED;
    snprintf(n, sizeof(n), "%u", attempts);
    if (!input_of(k, input, sizeof(input))) {
        LOG_E("%s: its report.json names no input file; not replayed", k->dir);
        return;
    }
    char *argv[] = {"replay", "-n", n, input, NULL};
    if (replay_args_resolve(4, argv, &a) != CLI_EXIT_OK)
        return;
    replay_args_opts(&a, &o);
    fprintf(stderr, "racefuzz nightly: regression replay of %s/%s (%u attempts)\n", k->target,
            k->name, attempts);
    if (!replay_run(&o, &r))
        return;
    k->attempts = r.attempts;
    k->hits = r.hits;
    k->outcome = judge(k);
    store_update_report(k->dir, (int)r.attempts, (int)r.hits, NULL);
}

void nightly_regress(struct nightly *n, const char *target, unsigned attempts) {
    for (size_t i = 0; i < n->nknown && procgroup_interrupted() == 0; i++) {
        if (strcmp(n->known[i].target, target) != 0)
            continue;
        replay_one(&n->known[i], attempts);
        if (n->known[i].outcome == NIGHTLY_REPLAY_FAILED)
            n->failed = true;
    }
}
