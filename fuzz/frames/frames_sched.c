#include "frames_sched.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* One spin unit is this many pause instructions: 255 units span about the time a small
 * decode takes (tens of microseconds), so offsets can move a worker past another's
 * critical section, not only through it. */
#define FRAMES_SPIN_UNIT 64

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

/* ASan's manual poisoning (weak: absent without ASan). Share buffers are reused with
 * spare capacity; the spare bytes are poisoned so a decoder reading past its session is
 * caught as it would be on an exact-size buffer. */
void __asan_poison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
void __asan_unpoison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));

static void poison_tail(struct frames_share *sh) {
    if (__asan_poison_memory_region != NULL && sh->cap > sh->len)
        __asan_poison_memory_region(sh->buf + sh->len, sh->cap - sh->len);
}

static void unpoison_all(struct frames_share *sh) {
    if (__asan_unpoison_memory_region != NULL && sh->buf != NULL)
        __asan_unpoison_memory_region(sh->buf, sh->cap);
}

static bool share_append(struct frames_share *sh, const struct frame *f) {
    size_t need = sh->len + FRAME_HEADER_LEN + f->len;
    if (need > sh->cap) {
        size_t cap = need * 2 + 64;
        uint8_t *p = realloc(sh->buf, cap);
        if (p == NULL)
            return false;
        sh->buf = p;
        sh->cap = cap;
    }
    frame_store_le32(sh->buf + sh->len, f->len);
    if (f->len > 0)
        memcpy(sh->buf + sh->len + FRAME_HEADER_LEN, f->data, f->len);
    sh->len = need;
    sh->frames++;
    return true;
}

static uint8_t sched_byte(const struct frame *s, size_t i, uint8_t dflt) {
    return i < s->len ? s->data[i] : dflt;
}

static bool free_plan(struct frames_sched *s, const uint8_t *data, size_t size,
                      struct frames_plan *p) {
    struct frame_iter it;
    struct frame sched = {0}, f;
    frame_iter_init(&it, data, size, s->max_frame_len);
    if (frame_iter_next(&it, &sched) != FRAME_OK)
        return false;
    p->workers = 1 + sched_byte(&sched, 0, (uint8_t)(s->max_workers - 1)) % s->max_workers;
    for (unsigned w = 0; w < p->workers; w++) {
        unpoison_all(&p->share[w]);
        p->share[w].len = 0;
        p->share[w].frames = 0;
        p->share[w].spin = sched_byte(&sched, 1 + w, 0);
    }
    size_t i = 0, assign = 1 + s->max_workers;
    /* A malformed tail ends the input: the target sees whole frames only, which keeps
     * its sessions well-formed; lying lengths reach it inside whole frames. */
    for (; frame_iter_next(&it, &f) == FRAME_OK; i++) {
        unsigned w = sched_byte(&sched, assign + i, (uint8_t)(i % p->workers)) % p->workers;
        if (!share_append(&p->share[w], &f))
            return false;
    }
    for (unsigned w = 0; w < p->workers; w++)
        poison_tail(&p->share[w]);
    return i > 0;
}

static void free_enter(struct frames_sched *s, const struct frames_plan *p, unsigned w) {
    (void)s;
    for (uint32_t n = p->share[w].spin * FRAMES_SPIN_UNIT; n > 0; n--)
        cpu_relax();
}

static void free_leave(struct frames_sched *s, const struct frames_plan *p, unsigned w) {
    (void)s;
    (void)p;
    (void)w;
}

static const struct frames_sched_ops free_ops = {
    .name = "free",
    .plan = free_plan,
    .enter = free_enter,
    .leave = free_leave,
};

void frames_sched_free_init(struct frames_sched *s, unsigned max_workers, uint32_t max_frame_len) {
    s->ops = &free_ops;
    s->max_workers = max_workers < 1                    ? 1
                     : max_workers > FRAMES_MAX_WORKERS ? FRAMES_MAX_WORKERS
                                                        : max_workers;
    s->max_frame_len = max_frame_len;
}

void frames_plan_free(struct frames_plan *p) {
    for (unsigned w = 0; w < FRAMES_MAX_WORKERS; w++) {
        unpoison_all(&p->share[w]);
        free(p->share[w].buf);
        p->share[w] = (struct frames_share){0};
    }
}
