/* Schedule mutator operations on the shape of a schedule: its steps (add, delete, duplicate,
 * swap, move), their lanes, barrier groups, delays and methods; the header frame's repeat,
 * jitter and flags; and splicing in the donor's steps. Contracts: schedule_mutate_ops.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rf_config.h"
#include "rng.h"
#include "schedule.h"
#include "schedule_mutate_ops.h"

/* ---- step operations --------------------------------------------------------------------- */

bool schedule_mutate_op_add_step(struct schedule_mutate *m) {
    struct schedule_step st;
    if (!schedule_mutate_step_from_model(m, &st))
        return false;
    uint8_t lanes = m->s.lanes;
    st.lane = rng_one_in(&m->rng, 3) ? schedule_mutate_other_lane(m, 0)
                                     : (uint8_t)rng_below(&m->rng, m->s.lanes);
    size_t j = schedule_mutate_pick_step(m);
    if (j != SIZE_MAX && m->steps[j].barrier != 0 && rng_one_in(&m->rng, 4))
        st.barrier = m->steps[j].barrier;
    if (schedule_mutate_insert_step(m, rng_below(&m->rng, m->n + 1), st))
        return true;
    m->s.lanes = lanes;
    return false;
}

bool schedule_mutate_op_delete_step(struct schedule_mutate *m) {
    if (m->n < 2)
        return false;
    schedule_mutate_remove_step(m, schedule_mutate_pick_step(m));
    return true;
}

/* The race maker: a copy of a step, usually on another lane and released together with
 * the original through one barrier group. */
bool schedule_mutate_op_dup_step(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m);
    if (i == SIZE_MAX || m->n >= SCHED_MAX_STEPS ||
        schedule_mutate_room(m) < schedule_mutate_step_size(&m->steps[i]))
        return false;
    struct schedule_step st = m->steps[i];
    if (!rng_one_in(&m->rng, 4))
        st.lane = schedule_mutate_other_lane(m, st.lane);
    if (!rng_one_in(&m->rng, 4)) {
        if (m->steps[i].barrier == 0)
            m->steps[i].barrier = schedule_mutate_new_group(m);
        st.barrier = m->steps[i].barrier;
    }
    st.delay_us = rng_one_in(&m->rng, 2) ? 0 : st.delay_us;
    size_t at = rng_one_in(&m->rng, 2) ? i + 1 : rng_below(&m->rng, m->n + 1);
    return schedule_mutate_insert_step(m, at, st);
}

bool schedule_mutate_op_swap_steps(struct schedule_mutate *m) {
    if (m->n < 2)
        return false;
    size_t a = schedule_mutate_pick_step(m), b = rng_below(&m->rng, m->n - 1);
    b += b >= a;
    struct schedule_step t = m->steps[a];
    m->steps[a] = m->steps[b];
    m->steps[b] = t;
    return true;
}

bool schedule_mutate_op_move_step(struct schedule_mutate *m) {
    if (m->n < 2)
        return false;
    struct schedule_step st = schedule_mutate_remove_step(m, schedule_mutate_pick_step(m));
    return schedule_mutate_insert_step(m, rng_below(&m->rng, m->n + 1), st);
}

bool schedule_mutate_op_set_lane(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m);
    if (i == SIZE_MAX)
        return false;
    m->steps[i].lane = schedule_mutate_other_lane(m, m->steps[i].lane);
    return true;
}

bool schedule_mutate_op_set_lanes(struct schedule_mutate *m) {
    size_t lanes = m->s.lanes;
    switch (rng_below(&m->rng, 3)) {
    case 0:
        lanes = lanes < SCHED_MAX_LANES ? lanes + 1 : lanes - 1;
        break;
    case 1:
        lanes = lanes > 1 ? lanes - 1 : lanes + 1;
        break;
    default:
        lanes = 1 + rng_below(&m->rng, SCHED_MAX_LANES);
        break;
    }
    if (lanes == m->s.lanes)
        return false;
    m->s.lanes = (uint8_t)lanes;
    schedule_mutate_remap_lanes(m);
    return true;
}

/* True when a member of group g other than step i runs on `lane`. */
static bool group_uses_lane(const struct schedule_mutate *m, uint8_t g, size_t i, uint8_t lane) {
    for (size_t k = 0; k < m->n; k++)
        if (k != i && m->steps[k].barrier == g && m->steps[k].lane == lane)
            return true;
    return false;
}

/* Puts step i into group g on a lane no other member uses, when one is free: two members
 * on one lane would wait for each other (the lane runs them one after the other). */
static void join_group(struct schedule_mutate *m, size_t i, uint8_t g) {
    m->steps[i].barrier = g;
    for (int tries = 0; tries < 4 && group_uses_lane(m, g, i, m->steps[i].lane); tries++)
        m->steps[i].lane = schedule_mutate_other_lane(m, m->steps[i].lane);
}

bool schedule_mutate_op_join_barrier(struct schedule_mutate *m) {
    if (m->n < 2)
        return false;
    size_t i = schedule_mutate_pick_step(m), j = rng_below(&m->rng, m->n - 1);
    j += j >= i;
    if (m->steps[j].barrier != 0 && m->steps[j].barrier != m->steps[i].barrier &&
        rng_one_in(&m->rng, 2)) {
        join_group(m, i, m->steps[j].barrier);
        return true;
    }
    uint8_t g = schedule_mutate_new_group(m);
    m->steps[j].barrier = g;
    join_group(m, i, g);
    return true;
}

bool schedule_mutate_op_leave_barrier(struct schedule_mutate *m) {
    size_t start = rng_below(&m->rng, m->n);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (start + k) % m->n;
        if (m->steps[i].barrier != 0) {
            m->steps[i].barrier = 0;
            return true;
        }
    }
    return false;
}

/* Largest k with 2^k <= RF_SMUT_MAX_DELAY_US. */
static unsigned delay_top_bit(void) {
    unsigned k = 0;
    while ((2u << k) <= RF_SMUT_MAX_DELAY_US)
        k++;
    return k;
}

bool schedule_mutate_op_set_delay(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m);
    if (i == SIZE_MAX)
        return false;
    uint32_t d;
    switch (rng_below(&m->rng, 4)) {
    case 0:
        d = 0;
        break;
    case 1:
        d = 1 + (uint32_t)rng_below(&m->rng, 100);
        break;
    case 2:
        d = 1u << rng_below(&m->rng, delay_top_bit() + 1);
        break;
    default:
        d = m->steps[i].delay_us / 2 + (uint32_t)rng_below(&m->rng, 64);
        break;
    }
    m->steps[i].delay_us = d < RF_SMUT_MAX_DELAY_US ? d : RF_SMUT_MAX_DELAY_US;
    return true;
}

bool schedule_mutate_op_set_method(struct schedule_mutate *m) {
    size_t i = schedule_mutate_pick_step(m);
    if (i == SIZE_MAX)
        return false;
    unsigned k = (unsigned)rng_below(&m->rng, SCHED_METHOD_COUNT - 1);
    m->steps[i].method = (enum schedule_method)(k + (k >= (unsigned)m->steps[i].method));
    return true;
}

/* ---- header-frame operations (rare) and splicing ----------------------------------------- */

bool schedule_mutate_op_set_repeat(struct schedule_mutate *m) {
    static const uint16_t repeats[] = {0, 1, 2, 3, RF_SMUT_MAX_REPEAT};
    uint16_t r = rng_one_in(&m->rng, 2) ? repeats[rng_below(&m->rng, COUNT_OF(repeats))]
                                        : (uint16_t)rng_below(&m->rng, RF_SMUT_MAX_REPEAT + 1);
    if (r == m->s.repeat)
        return false;
    m->s.repeat = r;
    return true;
}

bool schedule_mutate_op_set_jitter(struct schedule_mutate *m) {
    m->s.jitter_seed = rng_one_in(&m->rng, 4) ? 0 : (uint32_t)rng_next(&m->rng);
    return true;
}

bool schedule_mutate_op_set_flags(struct schedule_mutate *m) {
    m->s.flags = rng_one_in(&m->rng, 4) ? 0 : m->s.flags ^ (1u << rng_below(&m->rng, 8));
    return true;
}

/* Inserts a run of the donor's steps; their lanes fold into ours (or ours grow). */
bool schedule_mutate_op_splice_steps(struct schedule_mutate *m) {
    if (m->ndonor == 0)
        return false;
    if (m->donor_lanes > m->s.lanes && rng_one_in(&m->rng, 2))
        m->s.lanes = m->donor_lanes;
    size_t a = rng_below(&m->rng, m->ndonor), at = rng_below(&m->rng, m->n + 1), added = 0;
    size_t k = 1 + rng_below(&m->rng, m->ndonor - a < 4 ? m->ndonor - a : 4);
    for (size_t j = 0; j < k; j++) {
        struct schedule_step st = m->donor[a + j];
        st.lane = (uint8_t)(st.lane % m->s.lanes);
        added += schedule_mutate_insert_step(m, at + added, st);
    }
    return added > 0;
}
