/* Every finding of one campaign run into the crash store, each with its own report and
 * time (finding.h), and what came of it: shared by `fuzz` and `nightly`. */
#ifndef RF_FINDING_RUN_H
#define RF_FINDING_RUN_H

#include <stddef.h>

#include "campaign.h"
#include "finding.h"

struct finding_tally {
    size_t files;           /* finding files the engine saved */
    size_t stored;          /* of them, stored (the others are logged) */
    size_t new_sigs;        /* stored under a signature seen for the first time */
    double first_s;         /* seconds to the earliest finding; the run's length when none */
    char new_dirs[8][4096]; /* the first new signatures' store directories */
};

/* Stores every finding of the run o made (r its result). base gives the target, mode,
 * sanitizer (the campaign's; go mode's findings are stored as "race"), engine, environment
 * and engine flags; its input, report and times are set per finding here. When the engine log
 * speaks of several findings (fork mode, AFL++ instances), each is replayed for its own report.
 * Prints one "stored:" line each. */
void finding_run_store(const struct finding *base, const struct campaign_opts *o,
                       const struct campaign_result *r, struct finding_tally *t);

#endif
