/* The static barrier plan of a schedule, made before anything is sent so that no schedule
 * can deadlock the HTTP driver. The rules are go mode's (go/adapter/plan.go), so one
 * schedule means the same in both modes:
 *  - only the first step of a group on each lane is a member; later steps of the same group
 *    on that lane run unbarriered (a lane cannot meet itself at a gate);
 *  - lanes advance through unbarriered steps to their next member step; a group whose
 *    members are all at their lane heads is released;
 *  - when nothing can progress (lane0: B1,B2 / lane1: B2,B1), the lowest-numbered waiting
 *    group is released with the members that have arrived, its other members demoted to
 *    unbarriered;
 *  - a gate of one member is no gate: that step runs unbarriered.
 * Gates are numbered in release order; every lane meets its gates in increasing order. */
#ifndef RF_HTTP_PLAN_H
#define RF_HTTP_PLAN_H

#include <stdint.h>

#include "schedule.h"

struct http_plan {
    unsigned nlanes;
    uint16_t lane_len[SCHED_MAX_LANES];                    /* steps per lane */
    uint16_t lane_steps[SCHED_MAX_LANES][SCHED_MAX_STEPS]; /* step indexes, in order */
    int16_t gate[SCHED_MAX_STEPS];                         /* per step: gate, or -1 */
    unsigned ngates;
    uint16_t gate_first[SCHED_MAX_STEPS]; /* per gate: its first entry in members[] */
    uint8_t gate_size[SCHED_MAX_STEPS];   /* per gate: member count (>= 2) */
    uint16_t members[SCHED_MAX_STEPS];    /* gates' member steps, gate after gate */
};

/* s must satisfy schedule_check (lanes and step counts in range). */
void http_plan_build(const struct schedule *s, struct http_plan *p);

#endif
