#include "frame_mutate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "fixup.h"
#include "frame.h"
#include "mutate_common.h"
#include "rf_config.h"
#include "rng.h"

/* Arena room per stacked operation: one payload copy plus growth. */
#define FMUT_ARENA_SLOTS (RF_MUT_STACK + 4)
#define FMUT_ARENA_SLACK 256

struct frame_mutate {
    struct frame frames[RF_MUT_MAX_FRAMES];
    size_t n;
    size_t total; /* serialized size of frames[0..n) */
    struct frame donor[RF_MUT_MAX_FRAMES];
    size_t ndonor;
    struct mutate_common_bufs buf; /* input copies; the arena holds edited payloads */
    struct rng rng;
    const struct frame_mutate_opts *o;
    /* What the last call did, kept as op numbers: formatting names on every call would
     * cost more than the mutation itself; frame_mutate_describe() formats on demand. */
    uint8_t applied[RF_MUT_STACK + 1];
    size_t napplied;
    const char *extra; /* "lie_len", "crossover_cut", ... or NULL */
    char desc[256];
    uint64_t counts[FMUT_OP_COUNT];
};

typedef bool (*frame_mutate_op_fn)(struct frame_mutate *m);

static const int8_t interesting8[] = {-128, -1, 0, 1, 16, 32, 64, 100, 127};
static const int16_t interesting16[] = {-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767};
static const int32_t interesting32[] = {INT32_MIN, -100663046, -32769,    32768,
                                        65535,     65536,      100663045, INT32_MAX};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct frame_mutate *frame_mutate_new(void) {
    return calloc(1, sizeof(struct frame_mutate));
}

void frame_mutate_free(struct frame_mutate *m) {
    if (m == NULL)
        return;
    mutate_common_free(&m->buf);
    free(m);
}

void frame_mutate_default_opts(struct frame_mutate_opts *o, size_t max_size) {
    memset(o, 0, sizeof(*o));
    o->max_size = max_size;
    o->max_frame_len = RF_FRAME_MAX_LEN_DEFAULT;
    o->lie_one_in = RF_MUT_LIE_ONE_IN;
}

/* ---- working-set helpers ------------------------------------------------------------ */

static size_t room(const struct frame_mutate *m) {
    return m->total < m->o->max_size ? m->o->max_size - m->total : 0;
}

static size_t pick_frame(struct frame_mutate *m, size_t min_len) {
    size_t start = rng_below(&m->rng, m->n);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (start + k) % m->n;
        if (m->frames[i].len >= min_len)
            return i;
    }
    return SIZE_MAX;
}

/* Makes frame i's payload writable with `extra` spare bytes; NULL when the arena is full. */
static uint8_t *edit_payload(struct frame_mutate *m, size_t i, size_t extra) {
    size_t need = (size_t)m->frames[i].len + extra;
    if (m->buf.arena_cap - m->buf.arena_used < need)
        return NULL;
    uint8_t *p = m->buf.arena + m->buf.arena_used;
    if (m->frames[i].len > 0)
        bytes_move(p, m->frames[i].data, m->frames[i].len);
    m->buf.arena_used += need;
    m->frames[i].data = p;
    return p;
}

static void set_len(struct frame_mutate *m, size_t i, size_t len) {
    m->total = m->total - m->frames[i].len + len;
    m->frames[i].len = (uint32_t)len;
}

static bool insert_view(struct frame_mutate *m, size_t at, struct frame f) {
    if (m->n >= RF_MUT_MAX_FRAMES || room(m) < FRAME_HEADER_LEN + (size_t)f.len)
        return false;
    bytes_move(&m->frames[at + 1], &m->frames[at], (m->n - at) * sizeof(struct frame));
    m->frames[at] = f;
    m->n++;
    m->total += FRAME_HEADER_LEN + f.len;
    return true;
}

static struct frame remove_view(struct frame_mutate *m, size_t at) {
    struct frame f = m->frames[at];
    bytes_move(&m->frames[at], &m->frames[at + 1], (m->n - at - 1) * sizeof(struct frame));
    m->n--;
    m->total -= FRAME_HEADER_LEN + f.len;
    return f;
}

static void store_le(uint8_t *p, uint32_t v, size_t width) {
    for (size_t k = 0; k < width; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t load_le(const uint8_t *p, size_t width) {
    uint32_t v = 0;
    for (size_t k = 0; k < width; k++)
        v |= (uint32_t)p[k] << (8 * k);
    return v;
}

/* ---- payload operations: each keeps every frame length consistent ------------------- */

/* Common prologue: a frame of at least min_len bytes, made writable in place. */
static uint8_t *payload_for_edit(struct frame_mutate *m, size_t min_len, size_t *idx) {
    size_t i = pick_frame(m, min_len);
    if (i == SIZE_MAX)
        return NULL;
    *idx = i;
    return edit_payload(m, i, 0);
}

static bool op_flip_bit(struct frame_mutate *m) {
    size_t i;
    uint8_t *p = payload_for_edit(m, 1, &i);
    if (p == NULL)
        return false;
    p[rng_below(&m->rng, m->frames[i].len)] ^= (uint8_t)(1u << rng_below(&m->rng, 8));
    return true;
}

static bool op_set_interesting8(struct frame_mutate *m) {
    size_t i;
    uint8_t *p = payload_for_edit(m, 1, &i);
    if (p == NULL)
        return false;
    p[rng_below(&m->rng, m->frames[i].len)] =
        (uint8_t)interesting8[rng_below(&m->rng, COUNT_OF(interesting8))];
    return true;
}

static bool op_set_random_byte(struct frame_mutate *m) {
    size_t i;
    uint8_t *p = payload_for_edit(m, 1, &i);
    if (p == NULL)
        return false;
    p[rng_below(&m->rng, m->frames[i].len)] = (uint8_t)rng_next(&m->rng);
    return true;
}

/* Adds or subtracts 1..35 (AFL's ARITH_MAX) to a little-endian integer of `width` bytes. */
static bool arith_le(struct frame_mutate *m, size_t width) {
    size_t i;
    uint8_t *p = payload_for_edit(m, width, &i);
    if (p == NULL)
        return false;
    uint8_t *at = p + rng_below(&m->rng, m->frames[i].len - width + 1);
    uint32_t delta = 1 + (uint32_t)rng_below(&m->rng, 35);
    uint32_t v = load_le(at, width);
    store_le(at, rng_one_in(&m->rng, 2) ? v + delta : v - delta, width);
    return true;
}

static bool op_arith_le16(struct frame_mutate *m) {
    return arith_le(m, 2);
}

static bool op_arith_le32(struct frame_mutate *m) {
    return arith_le(m, 4);
}

static bool set_interesting_le(struct frame_mutate *m, size_t width) {
    size_t i;
    uint8_t *p = payload_for_edit(m, width, &i);
    if (p == NULL)
        return false;
    uint32_t v =
        width == 2 ? (uint32_t)(uint16_t)interesting16[rng_below(&m->rng, COUNT_OF(interesting16))]
                   : (uint32_t)interesting32[rng_below(&m->rng, COUNT_OF(interesting32))];
    store_le(p + rng_below(&m->rng, m->frames[i].len - width + 1), v, width);
    return true;
}

static bool op_set_interesting16(struct frame_mutate *m) {
    return set_interesting_le(m, 2);
}

static bool op_set_interesting32(struct frame_mutate *m) {
    return set_interesting_le(m, 4);
}

/* Writes, at a random offset, the number of bytes that follow the field: the usual
 * shape of an inner TLV length. Nested lengths that agree are what byte mutators miss. */
static bool op_set_inner_len(struct frame_mutate *m) {
    static const size_t widths[] = {1, 2, 4};
    size_t width = widths[rng_below(&m->rng, COUNT_OF(widths))];
    size_t i;
    uint8_t *p = payload_for_edit(m, width, &i);
    if (p == NULL)
        return false;
    size_t len = m->frames[i].len;
    size_t pos = rng_below(&m->rng, len - width + 1);
    store_le(p + pos, (uint32_t)(len - pos - width), width);
    return true;
}

static bool op_insert_bytes(struct frame_mutate *m) {
    size_t max_n = room(m) < 16 ? room(m) : 16;
    size_t i = m->n > 0 ? rng_below(&m->rng, m->n) : SIZE_MAX;
    if (i == SIZE_MAX || max_n == 0)
        return false;
    size_t n = 1 + rng_below(&m->rng, max_n);
    size_t len = m->frames[i].len;
    uint8_t *p = edit_payload(m, i, n);
    if (p == NULL)
        return false;
    size_t pos = rng_below(&m->rng, len + 1);
    bytes_move(p + pos + n, p + pos, len - pos);
    bool repeat = rng_one_in(&m->rng, 2);
    uint8_t fill = (uint8_t)rng_next(&m->rng);
    for (size_t k = 0; k < n; k++)
        p[pos + k] = repeat ? fill : (uint8_t)rng_next(&m->rng);
    set_len(m, i, len + n);
    return true;
}

static bool op_erase_bytes(struct frame_mutate *m) {
    size_t i;
    uint8_t *p = payload_for_edit(m, 1, &i);
    if (p == NULL)
        return false;
    size_t len = m->frames[i].len;
    size_t n = 1 + rng_below(&m->rng, len < 16 ? len : 16);
    size_t pos = rng_below(&m->rng, len - n + 1);
    bytes_move(p + pos, p + pos + n, len - pos - n);
    set_len(m, i, len - n);
    return true;
}

static bool op_copy_within(struct frame_mutate *m) {
    size_t i;
    uint8_t *p = payload_for_edit(m, 2, &i);
    if (p == NULL)
        return false;
    size_t len = m->frames[i].len;
    size_t src = rng_below(&m->rng, len), dst = rng_below(&m->rng, len);
    size_t far = src > dst ? src : dst;
    size_t n = 1 + rng_below(&m->rng, len - far);
    bytes_move(p + dst, p + src, n);
    return true;
}

static const struct dict_token *pick_token(struct frame_mutate *m) {
    const struct dict *d = m->o->dict;
    if (d == NULL || d->count == 0)
        return NULL;
    return &d->tokens[rng_below(&m->rng, d->count)];
}

static bool op_dict_insert(struct frame_mutate *m) {
    const struct dict_token *t = pick_token(m);
    if (t == NULL || m->n == 0 || room(m) < t->len)
        return false;
    size_t i = rng_below(&m->rng, m->n);
    size_t len = m->frames[i].len;
    uint8_t *p = edit_payload(m, i, t->len);
    if (p == NULL)
        return false;
    size_t pos = rng_below(&m->rng, len + 1);
    bytes_move(p + pos + t->len, p + pos, len - pos);
    bytes_move(p + pos, t->data, t->len);
    set_len(m, i, len + t->len);
    return true;
}

static bool op_dict_overwrite(struct frame_mutate *m) {
    const struct dict_token *t = pick_token(m);
    size_t i;
    if (t == NULL)
        return false;
    uint8_t *p = payload_for_edit(m, t->len, &i);
    if (p == NULL)
        return false;
    bytes_move(p + rng_below(&m->rng, m->frames[i].len - t->len + 1), t->data, t->len);
    return true;
}

static bool op_engine_bytes(struct frame_mutate *m) {
    if (m->o->engine_mutate == NULL || m->n == 0)
        return false;
    size_t i = rng_below(&m->rng, m->n);
    size_t len = m->frames[i].len;
    size_t cap = len + (room(m) < 64 ? room(m) : 64);
    if (cap == 0)
        return false;
    const uint8_t *orig = m->frames[i].data;
    uint8_t *p = edit_payload(m, i, cap - len);
    if (p == NULL)
        return false;
    /* libFuzzer's byte mutator wants a non-empty buffer: grow an empty payload to one byte. */
    size_t size = len;
    if (size == 0)
        p[size++] = 0;
    size_t n = m->o->engine_mutate(p, size, cap, m->o->engine_arg);
    if (n > cap) {
        m->frames[i].data = orig; /* a misbehaving engine leaves the payload as it was */
        return false;
    }
    set_len(m, i, n);
    return true;
}

/* ---- frame operations ---------------------------------------------------------------- */

static bool op_insert_frame(struct frame_mutate *m) {
    const struct dict_token *t = pick_token(m);
    size_t at = rng_below(&m->rng, m->n + 1);
    if (t != NULL && rng_one_in(&m->rng, 2))
        return insert_view(m, at, (struct frame){.data = t->data, .len = t->len});
    size_t n = rng_below(&m->rng, 17);
    if (m->buf.arena_cap - m->buf.arena_used < n)
        return false;
    uint8_t *p = m->buf.arena + m->buf.arena_used;
    for (size_t k = 0; k < n; k++)
        p[k] = (uint8_t)rng_next(&m->rng);
    if (!insert_view(m, at, (struct frame){.data = p, .len = (uint32_t)n}))
        return false;
    m->buf.arena_used += n;
    return true;
}

static bool op_delete_frame(struct frame_mutate *m) {
    if (m->n < 2)
        return false;
    remove_view(m, rng_below(&m->rng, m->n));
    return true;
}

static bool op_duplicate_frame(struct frame_mutate *m) {
    if (m->n == 0)
        return false;
    size_t i = rng_below(&m->rng, m->n);
    size_t at = rng_one_in(&m->rng, 2) ? i + 1 : rng_below(&m->rng, m->n + 1);
    return insert_view(m, at, m->frames[i]);
}

static bool op_swap_frames(struct frame_mutate *m) {
    if (m->n < 2)
        return false;
    size_t a = rng_below(&m->rng, m->n), b = rng_below(&m->rng, m->n - 1);
    if (b >= a)
        b++;
    struct frame t = m->frames[a];
    m->frames[a] = m->frames[b];
    m->frames[b] = t;
    return true;
}

static bool op_move_frame(struct frame_mutate *m) {
    if (m->n < 2)
        return false;
    struct frame f = remove_view(m, rng_below(&m->rng, m->n));
    return insert_view(m, rng_below(&m->rng, m->n + 1), f);
}

/* Replaces a run of our frames with a run of the donor's, or inserts the run. */
static bool op_splice_frames(struct frame_mutate *m) {
    if (m->ndonor == 0)
        return false;
    size_t a = rng_below(&m->rng, m->ndonor);
    size_t k = 1 + rng_below(&m->rng, m->ndonor - a < 4 ? m->ndonor - a : 4);
    size_t at = rng_below(&m->rng, m->n + 1);
    if (rng_one_in(&m->rng, 2))
        for (size_t drop = rng_below(&m->rng, k + 1); drop > 0 && at < m->n && m->n > 1; drop--)
            remove_view(m, at);
    size_t inserted = 0;
    for (size_t j = 0; j < k; j++)
        if (insert_view(m, at + inserted, m->donor[a + j]))
            inserted++;
    return inserted > 0;
}

static const struct {
    const char *name;
    frame_mutate_op_fn fn;
} frame_mutate_ops[FMUT_OP_COUNT] = {
    [FMUT_FLIP_BIT] = {"flip_bit", op_flip_bit},
    [FMUT_SET_INTERESTING8] = {"interesting8", op_set_interesting8},
    [FMUT_SET_RANDOM_BYTE] = {"random_byte", op_set_random_byte},
    [FMUT_ARITH_LE16] = {"arith16", op_arith_le16},
    [FMUT_ARITH_LE32] = {"arith32", op_arith_le32},
    [FMUT_SET_INTERESTING16] = {"interesting16", op_set_interesting16},
    [FMUT_SET_INTERESTING32] = {"interesting32", op_set_interesting32},
    [FMUT_SET_INNER_LEN] = {"inner_len", op_set_inner_len},
    [FMUT_INSERT_BYTES] = {"insert_bytes", op_insert_bytes},
    [FMUT_ERASE_BYTES] = {"erase_bytes", op_erase_bytes},
    [FMUT_COPY_WITHIN] = {"copy_within", op_copy_within},
    [FMUT_DICT_INSERT] = {"dict_insert", op_dict_insert},
    [FMUT_DICT_OVERWRITE] = {"dict_overwrite", op_dict_overwrite},
    [FMUT_ENGINE_BYTES] = {"engine_bytes", op_engine_bytes},
    [FMUT_INSERT_FRAME] = {"insert_frame", op_insert_frame},
    [FMUT_DELETE_FRAME] = {"delete_frame", op_delete_frame},
    [FMUT_DUPLICATE_FRAME] = {"dup_frame", op_duplicate_frame},
    [FMUT_SWAP_FRAMES] = {"swap_frames", op_swap_frames},
    [FMUT_MOVE_FRAME] = {"move_frame", op_move_frame},
    [FMUT_SPLICE_FRAMES] = {"splice_frames", op_splice_frames},
};

const char *frame_mutate_op_name(enum frame_mutate_op op) {
    return (unsigned)op < FMUT_OP_COUNT ? frame_mutate_ops[op].name : "?";
}

const uint64_t *frame_mutate_op_counts(const struct frame_mutate *m) {
    return m->counts;
}

static void desc_add(char *buf, size_t cap, const char *name) {
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s", used > 0 ? "," : "", name);
}

const char *frame_mutate_describe(struct frame_mutate *m) {
    m->desc[0] = '\0';
    for (size_t i = 0; i < m->napplied; i++)
        desc_add(m->desc, sizeof(m->desc), frame_mutate_ops[m->applied[i]].name);
    if (m->extra != NULL)
        desc_add(m->desc, sizeof(m->desc), m->extra);
    return m->desc;
}

/* ---- driver ---------------------------------------------------------------------------- */

/* Copies the inputs (they may alias out), splits them, and sizes the arena. */
static bool load(struct frame_mutate *m, const struct frame_mutate_opts *o, const uint8_t *in,
                 size_t in_size, const uint8_t *in2, size_t in2_size, uint64_t seed) {
    m->o = o;
    rng_seed(&m->rng, seed);
    m->napplied = 0;
    m->extra = NULL;
    size_t arena_need = FMUT_ARENA_SLOTS * (o->max_size + FMUT_ARENA_SLACK);
    if (!mutate_common_load(&m->buf, in, in_size, in2, in2_size, arena_need))
        return false;
    m->n =
        frame_split_lenient(m->buf.input, in_size, o->max_frame_len, m->frames, RF_MUT_MAX_FRAMES);
    m->total = frame_serialized_size(m->frames, m->n);
    m->ndonor = 0;
    if (in2 != NULL && in2_size > 0)
        m->ndonor = frame_split_lenient(m->buf.donor, in2_size, o->max_frame_len, m->donor,
                                        RF_MUT_MAX_FRAMES);
    return true;
}

/* Makes an over-long input fit: drops trailing frames while that still leaves one, then
 * cuts the tail of the last payload, so an oversized input is mutated, not replaced. */
static void fit(struct frame_mutate *m) {
    while (m->n > 1 && m->total - FRAME_HEADER_LEN - m->frames[m->n - 1].len >= m->o->max_size)
        remove_view(m, m->n - 1);
    if (m->n > 0 && m->total > m->o->max_size) {
        size_t excess = m->total - m->o->max_size;
        if (excess <= m->frames[m->n - 1].len)
            set_len(m, m->n - 1, m->frames[m->n - 1].len - excess);
        else
            remove_view(m, m->n - 1);
    }
}

static void apply_one(struct frame_mutate *m) {
    for (int attempt = 0; attempt < 16; attempt++) {
        enum frame_mutate_op op = (enum frame_mutate_op)rng_below(&m->rng, FMUT_OP_COUNT);
        if (frame_mutate_ops[op].fn(m)) {
            m->counts[op]++;
            if (m->napplied < sizeof(m->applied))
                m->applied[m->napplied++] = (uint8_t)op;
            return;
        }
    }
}

/* Overwrites one frame header with a length that disagrees with its payload. */
static void lie_about_length(struct frame_mutate *m, uint8_t *out) {
    size_t i = rng_below(&m->rng, m->n), off = 0;
    for (size_t k = 0; k < i; k++)
        off += FRAME_HEADER_LEN + m->frames[k].len;
    uint32_t len = m->frames[i].len, lie;
    switch ((enum frame_mutate_lie)rng_below(&m->rng, FMUT_LIE_COUNT)) {
    case FMUT_LIE_ZERO:
        lie = 0;
        break;
    case FMUT_LIE_SHORT:
        lie = len > 0 ? len - 1 - (uint32_t)rng_below(&m->rng, len) : 1;
        break;
    case FMUT_LIE_LONG:
        lie = len + 1 + (uint32_t)rng_below(&m->rng, 64);
        break;
    default:
        lie = rng_one_in(&m->rng, 2) ? 0xFFFFFFFFu : 0x7FFFFFFFu;
        break;
    }
    frame_store_le32(out + off, lie);
    m->extra = "lie_len";
}

/* Recomputes the declared lengths and checksums in every frame of the serialized output
 * (not the schedule frame, when the input starts with one). */
static void apply_fixups(struct frame_mutate *m, uint8_t *out) {
    size_t off = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (i > 0 || !m->o->skip_first)
            fixup_apply(m->o->fixups, out + off + FRAME_HEADER_LEN, m->frames[i].len);
        off += FRAME_HEADER_LEN + m->frames[i].len;
    }
}

static size_t emit(struct frame_mutate *m, uint8_t *out, bool may_lie) {
    if (m->n == 0) {
        /* An empty stream is valid but useless to a decoder: emit one empty frame. */
        if (m->o->max_size < FRAME_HEADER_LEN)
            return 0;
        insert_view(m, 0, (struct frame){.data = m->buf.arena, .len = 0});
    }
    size_t n = frame_serialize(m->frames, m->n, out, m->o->max_size);
    if (m->o->fixups != NULL && m->o->fixups->count > 0 &&
        !rng_one_in(&m->rng, RF_MUT_FIXUP_SKIP_ONE_IN))
        apply_fixups(m, out);
    if (may_lie && m->o->lie_one_in > 0 && rng_one_in(&m->rng, m->o->lie_one_in))
        lie_about_length(m, out);
    return n;
}

size_t frame_mutate_mutate(struct frame_mutate *m, const struct frame_mutate_opts *o,
                           const uint8_t *in, size_t in_size, const uint8_t *in2, size_t in2_size,
                           uint8_t *out, uint64_t seed) {
    if (!load(m, o, in, in_size, in2, in2_size, seed))
        return 0;
    fit(m);
    size_t stack = 1 + rng_below(&m->rng, RF_MUT_STACK);
    for (size_t s = 0; s < stack; s++)
        apply_one(m);
    return emit(m, out, true);
}

size_t frame_mutate_crossover(struct frame_mutate *m, const struct frame_mutate_opts *o,
                              const uint8_t *in1, size_t in1_size, const uint8_t *in2,
                              size_t in2_size, uint8_t *out, uint64_t seed) {
    if (!load(m, o, in1, in1_size, in2, in2_size, seed))
        return 0;
    fit(m);
    if (m->ndonor > 0 && rng_one_in(&m->rng, 2)) {
        /* Prefix of the first parent, suffix of the second. */
        size_t cut = rng_below(&m->rng, m->n + 1), from = rng_below(&m->rng, m->ndonor);
        while (m->n > cut)
            remove_view(m, m->n - 1);
        for (size_t j = from; j < m->ndonor; j++)
            if (!insert_view(m, m->n, m->donor[j]))
                break;
        m->extra = "crossover_cut";
    } else {
        op_splice_frames(m);
        m->extra = "crossover_splice";
    }
    return emit(m, out, false);
}
