/* The barrier plan (see http_plan.h): a simulation of the lanes, gate by gate. */
#include "http_plan.h"

#include <stdbool.h>
#include <string.h>

#define NGROUPS 256 /* barrier values are u8; 0 is "none" */

struct sim {
    bool member[SCHED_MAX_STEPS];
    uint16_t group_total[NGROUPS]; /* members per group */
    uint16_t pos[SCHED_MAX_LANES];
    /* Per round: member steps at lane heads, by group. */
    uint16_t head_count[NGROUPS];
    uint16_t heads[NGROUPS][SCHED_MAX_LANES];
};

static void lanes_of(const struct schedule *s, struct http_plan *p) {
    p->nlanes = s->lanes;
    for (size_t i = 0; i < s->nsteps; i++) {
        unsigned l = s->steps[i].lane;
        p->lane_steps[l][p->lane_len[l]++] = (uint16_t)i;
    }
}

static void members_of(const struct schedule *s, const struct http_plan *p, struct sim *m) {
    for (unsigned l = 0; l < p->nlanes; l++) {
        bool seen[NGROUPS] = {false};
        for (unsigned k = 0; k < p->lane_len[l]; k++) {
            unsigned i = p->lane_steps[l][k], b = s->steps[i].barrier;
            if (b != 0 && !seen[b]) {
                seen[b] = true;
                m->member[i] = true;
                m->group_total[b]++;
            }
        }
    }
}

/* Moves each lane past its unbarriered steps and groups the member steps it stops at.
 * Returns whether any lane has a member step at its head. */
static bool heads(const struct schedule *s, const struct http_plan *p, struct sim *m) {
    bool any = false;
    memset(m->head_count, 0, sizeof(m->head_count));
    for (unsigned l = 0; l < p->nlanes; l++) {
        while (m->pos[l] < p->lane_len[l] && !m->member[p->lane_steps[l][m->pos[l]]])
            m->pos[l]++;
        if (m->pos[l] < p->lane_len[l]) {
            unsigned i = p->lane_steps[l][m->pos[l]], b = s->steps[i].barrier;
            m->heads[b][m->head_count[b]++] = (uint16_t)i;
            any = true;
        }
    }
    return any;
}

/* Makes one gate of group b's members at the heads (none for a single step) and moves
 * their lanes past them. */
static void release(const struct schedule *s, struct http_plan *p, struct sim *m, unsigned b) {
    unsigned n = m->head_count[b];
    int g = -1;
    if (n > 1) {
        g = (int)p->ngates++;
        p->gate_first[g] = g == 0 ? 0 : (uint16_t)(p->gate_first[g - 1] + p->gate_size[g - 1]);
        p->gate_size[g] = (uint8_t)n;
    }
    for (unsigned k = 0; k < n; k++) {
        unsigned i = m->heads[b][k];
        p->gate[i] = (int16_t)g;
        if (g >= 0)
            p->members[p->gate_first[g] + k] = (uint16_t)i;
        m->pos[s->steps[i].lane]++;
    }
}

/* Demotes every member of group b (those not at a head run unbarriered). */
static void demote(const struct schedule *s, struct sim *m, unsigned b) {
    for (size_t i = 0; i < s->nsteps; i++)
        if (s->steps[i].barrier == b)
            m->member[i] = false;
}

void http_plan_build(const struct schedule *s, struct http_plan *p) {
    struct sim m;
    memset(p, 0, sizeof(*p));
    memset(&m, 0, sizeof(m));
    for (size_t i = 0; i < s->nsteps; i++)
        p->gate[i] = -1;
    lanes_of(s, p);
    members_of(s, p, &m);
    while (heads(s, p, &m)) {
        bool released = false;
        unsigned lowest = 0;
        for (unsigned b = 1; b < NGROUPS; b++) {
            if (m.head_count[b] == 0)
                continue;
            if (lowest == 0)
                lowest = b;
            if (m.head_count[b] == m.group_total[b]) {
                release(s, p, &m, b);
                released = true;
            }
        }
        if (!released) { /* stuck: release the lowest group with whoever arrived */
            demote(s, &m, lowest);
            release(s, p, &m, lowest);
        }
    }
}
