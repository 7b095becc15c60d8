/* Corpus merge after a campaign (campaign.h): the run's inputs and the stored seeds become
 * one minimal corpus in the seeds' place, without a moment where neither exists whole. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "fileio.h"
#include "log.h"
#include "rf_config.h"
#include "subproc.h"

/* Regular entries of dir not starting with "." (what an engine reads as inputs). */
static size_t count_inputs(const char *dir) {
    size_t n = 0;
    struct dirent *e;
    DIR *d = opendir(dir);
    while (d != NULL && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' && e->d_type != DT_DIR;
    if (d != NULL)
        closedir(d);
    return n;
}

/* libFuzzer -merge=1 of seeds and the run's corpus into fresh (created here). */
static bool run_merge(const struct campaign_opts *o, const char *fresh) {
    char corpus[4200], log[4200], maxlen[64];
    snprintf(corpus, sizeof(corpus), "%s/corpus", o->work_dir);
    snprintf(log, sizeof(log), "%s/merge.log", o->work_dir);
    snprintf(maxlen, sizeof(maxlen), "-max_len=%zu", o->max_len > 0 ? o->max_len : 4096);
    char *argv[] = {(char *)o->fuzzer,    "-merge=1", maxlen, (char *)fresh,
                    (char *)o->seeds_dir, corpus,     NULL};
    struct subproc_opts so = {
        .argv = argv, .env_add = o->env, .output_path = log, .timeout_s = RF_MERGE_TIMEOUT_S};
    struct subproc_result sr;
    if (!fileio_mkdirs(fresh))
        return false;
    if (!subproc_run(&so, &sr) || sr.interrupted != 0)
        return false;
    if (sr.timed_out || sr.signal != 0 || sr.exit_code != 0) {
        LOG_E("%s: the corpus merge failed (exit %d, signal %d%s); see %s", o->fuzzer, sr.exit_code,
              sr.signal, sr.timed_out ? ", timed out" : "", log);
        return false;
    }
    return true;
}

/* fresh takes seeds' name: seeds goes to old first, and is removed only once fresh is in
 * place; a failed second rename puts it back. */
static bool swap_in(const char *seeds, const char *fresh) {
    char old[4200];
    snprintf(old, sizeof(old), "%s.old-%ld", seeds, (long)getpid());
    if (rename(seeds, old) != 0) {
        PLOG_E("%s: cannot move aside for the merged corpus", seeds);
        return false;
    }
    if (rename(fresh, seeds) != 0) {
        PLOG_E("%s: cannot put the merged corpus in place", seeds);
        if (rename(old, seeds) != 0)
            PLOG_E("%s: the old corpus stays at %s", seeds, old);
        return false;
    }
    fileio_remove_tree(old);
    return true;
}

bool campaign_merge(const struct campaign_opts *o, size_t *before, size_t *after) {
    char fresh[4200];
    bool ok = false;
    *before = count_inputs(o->seeds_dir);
    *after = *before;
    if (o->engine != CAMPAIGN_LIBFUZZER) {
        LOG_E("%s: corpus merge needs a libFuzzer run (AFL++ queues are not merged)", o->fuzzer);
        return false;
    }
    snprintf(fresh, sizeof(fresh), "%s.merge-%ld", o->seeds_dir, (long)getpid());
    fileio_remove_tree(fresh); /* a merge killed before (same PID after a reboot) */
    if (!run_merge(o, fresh))
        goto out;
    size_t n = count_inputs(fresh);
    if (n == 0) {
        LOG_E("%s: the merge kept no input; the corpus stays as it was", o->seeds_dir);
        goto out;
    }
    ok = swap_in(o->seeds_dir, fresh);
    if (ok)
        *after = n;
out:
    if (!ok)
        fileio_remove_tree(fresh);
    return ok;
}
