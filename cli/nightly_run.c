/* One run of the nightly job (nightly.h): a keep-going campaign, its findings into the
 * store, its corpus merged back. */
#define _GNU_SOURCE
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "finding_run.h"
#include "fuzz_setup.h"
#include "log.h"
#include "nightly.h"
#include "report_set.h"
#include "store.h"

static void new_signature(struct nightly *n, const char *target, const char *dir) {
    if (n->nfresh >= NIGHTLY_MAX_NEW)
        return;
    struct nightly_new *f = &n->fresh[n->nfresh++];
    char copy[4096];
    snprintf(f->target, sizeof(f->target), "%s", target);
    snprintf(f->dir, sizeof(f->dir), "%s", dir);
    snprintf(copy, sizeof(copy), "%s", dir);
    snprintf(f->name, sizeof(f->name), "%s", basename(copy));
    cJSON *j = store_load_report(dir);
    snprintf(f->kind, sizeof(f->kind), "%s", report_set_field(j, "Kind"));
    cJSON_Delete(j);
    f->run = n->nruns - 1;
}

static void store_run(struct nightly *n, struct nightly_run *r, const struct fuzz_setup *s,
                      const struct campaign_result *cr) {
    static struct finding_tally t;
    struct finding base = {.target = r->target,
                           .mode = r->mode,
                           .sanitizer = "address",
                           .engine = r->engine,
                           .env = s->env,
                           .engine_flags = s->opts.extra};
    finding_run_store(&base, &s->opts, cr, &t);
    r->findings = t.files;
    r->new_sigs = t.new_sigs;
    for (size_t i = 0; i < t.new_sigs && i < sizeof(t.new_dirs) / sizeof(t.new_dirs[0]); i++)
        new_signature(n, r->target, t.new_dirs[i]);
    if (t.stored < t.files) {
        snprintf(r->error, sizeof(r->error), "%zu of %zu findings could not be stored",
                 t.files - t.stored, t.files);
        n->failed = true;
    }
}

static void stats(struct nightly_run *r, const struct fuzz_setup *s,
                  const struct campaign_result *cr) {
    r->ran = true;
    r->seconds = cr->seconds;
    r->execs = cr->execs;
    r->execs_per_s = cr->execs_per_s;
    snprintf(r->log, sizeof(r->log), "%s", cr->log);
    if (campaign_series_load(&s->opts, cr, &r->series))
        r->coverage = r->series.v[r->series.n - 1].cov;
}

static void fail(struct nightly *n, struct nightly_run *r, const char *why) {
    snprintf(r->error, sizeof(r->error), "%s", why);
    n->failed = true;
}

void nightly_run(struct nightly *n, const struct nightly_opts *o, const char *target,
                 const char *mode, enum campaign_engine e) {
    static struct fuzz_setup s;
    struct campaign_result cr;
    if (n->nruns >= NIGHTLY_MAX_RUNS)
        return;
    struct nightly_run *r = &n->runs[n->nruns++];
    memset(r, 0, sizeof(*r));
    snprintf(r->target, sizeof(r->target), "%s", target);
    snprintf(r->mode, sizeof(r->mode), "%s", mode);
    snprintf(r->engine, sizeof(r->engine), "%s", campaign_engine_name(e));
    struct fuzz_request req = {.target = target,
                               .mode = mode,
                               .sanitizer = "address",
                               .engine = e,
                               .work_root = o->work_root,
                               .custom_mutator = true};
    if (fuzz_setup_prepare(&s, &req) != CLI_EXIT_OK)
        return fail(n, r, "could not be set up (the error is in the job's log)");
    s.opts.time_s = o->time_s;
    s.opts.seed = o->seed;
    s.opts.max_len = 4096;
    s.opts.keep_going = true;
    s.opts.progress = true;
    fprintf(stderr, "racefuzz nightly: %s (%s mode, %s), %.0fs\n", target, mode, r->engine,
            o->time_s);
    if (!campaign_run(&s.opts, &cr)) {
        fuzz_setup_sweep(&req);
        return fail(n, r, "the engine failed or was stopped (see its log)");
    }
    stats(r, &s, &cr);
    if (cr.found)
        store_run(n, r, &s, &cr);
    if (o->merge && e == CAMPAIGN_LIBFUZZER)
        r->merged = campaign_merge(&s.opts, &r->corpus_before, &r->corpus_after);
    if (o->merge && e == CAMPAIGN_LIBFUZZER && !r->merged)
        fail(n, r, "the corpus merge failed (the stored corpus is unchanged)");
    fuzz_setup_sweep(&req);
}
