/* orders_proto.h — the orders wire protocol: decoding one frame stream (one session).
 *
 * Wire format, every integer little-endian:
 *
 *   stream  = frame*                 frame = u32 L, payload[L]    1 <= L <= ORDERS_MAX_FRAME
 *   payload = u8 type, u8 version, u16 body_len, body[body_len - 1], u8 sum
 *
 *   version  is ORDERS_PROTO_VERSION;
 *   body_len counts every byte after itself, the trailing sum included: body_len == L - 4;
 *   sum      is the 8-bit sum of every payload byte before it.
 *
 *   body     is a sequence of TLV fields (u8 tag, u8 len, value[len]) for every message
 *            type except ATTACH_DATA, whose body is u32 attach_id, u16 chunk_len,
 *            chunk[chunk_len]. Unknown tags are skipped; a repeated tag is a list
 *            (catalog prices, quote lines); for a single-valued tag the first one counts.
 *
 * Session rules: HELLO, if sent, comes first. ORDER and CANCEL need an AUTH earlier in the
 * stream. ATTACH_DATA continues the attachment an earlier ATTACH_BEGIN opened. QUOTE prices
 * lines against a catalog some session published with CATALOG (catalogs are shared by every
 * session of the process). Nothing may follow BYE. The first protocol error ends the session.
 *
 * Thread safety: orders_proto_decode may run on many threads at once (one session each).
 * orders_proto_reset and the bug-selection calls must not run concurrently with a decode.
 */
#ifndef ORDERS_PROTO_H
#define ORDERS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "orders_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORDERS_PROTO_VERSION 1u

/* Bytes of a payload around its body: type, version, body_len before; sum after. */
#define ORDERS_MSG_HEADER 4u
#define ORDERS_MSG_OVERHEAD 5u

enum orders_msg_type {
    ORDERS_MSG_HELLO = 1,        /* TLV CLIENT, FEATURES?              */
    ORDERS_MSG_AUTH = 2,         /* TLV USER, TOKEN                    */
    ORDERS_MSG_ORDER = 3,        /* TLV SKU, QTY, SHIP_TO?             */
    ORDERS_MSG_CANCEL = 4,       /* TLV ORDER_ID                       */
    ORDERS_MSG_CATALOG = 5,      /* TLV CATALOG_ID, PRICE+             */
    ORDERS_MSG_QUOTE = 6,        /* TLV CATALOG_ID, LINE+              */
    ORDERS_MSG_ATTACH_BEGIN = 7, /* TLV ATTACH_ID, ATTACH_SIZE, CTYPE? */
    ORDERS_MSG_ATTACH_DATA = 8,  /* raw: u32 attach_id, u16 chunk_len, chunk */
    ORDERS_MSG_PING = 9,         /* empty                              */
    ORDERS_MSG_BYE = 10,         /* empty; ends the session            */
    ORDERS_MSG_COUNT             /* sentinel: one past the last type   */
};

enum orders_tag {
    ORDERS_TAG_CLIENT = 0x01,      /* ascii, 1..ORDERS_MAX_ID           */
    ORDERS_TAG_FEATURES = 0x02,    /* u8 bit set                        */
    ORDERS_TAG_USER = 0x03,        /* id chars, 1..ORDERS_MAX_ID        */
    ORDERS_TAG_TOKEN = 0x04,       /* bytes, MIN..MAX_TOKEN             */
    ORDERS_TAG_SKU = 0x05,         /* id chars, 1..ORDERS_MAX_ID        */
    ORDERS_TAG_QTY = 0x06,         /* u16, 1..ORDERS_MAX_QTY            */
    ORDERS_TAG_SHIP_TO = 0x07,     /* free text, normalized             */
    ORDERS_TAG_ORDER_ID = 0x08,    /* u32, non-zero                     */
    ORDERS_TAG_CATALOG_ID = 0x09,  /* u16, non-zero                     */
    ORDERS_TAG_PRICE = 0x0a,       /* u32 cents, then SKU id chars      */
    ORDERS_TAG_LINE = 0x0b,        /* u16 qty, then SKU id chars        */
    ORDERS_TAG_ATTACH_ID = 0x0c,   /* u32, non-zero                     */
    ORDERS_TAG_ATTACH_SIZE = 0x0d, /* u32, 1..ORDERS_ATTACH_MAX         */
    ORDERS_TAG_CTYPE = 0x0e        /* ascii, 1..ORDERS_MAX_ID           */
};

/* Results are 0 or one of these negative codes. */
enum orders_err {
    ORDERS_OK = 0,
    ORDERS_ETRUNC = -1,      /* the stream ends inside a frame                       */
    ORDERS_ETOOBIG = -2,     /* a frame is empty or longer than ORDERS_MAX_FRAME     */
    ORDERS_EHEADER = -3,     /* body_len disagrees with the frame length             */
    ORDERS_ECHECKSUM = -4,   /* the sum byte is wrong                                */
    ORDERS_EVERSION = -5,    /* unsupported protocol version                         */
    ORDERS_ETYPE = -6,       /* unknown message type                                 */
    ORDERS_ESTATE = -7,      /* message not allowed at this point of the session     */
    ORDERS_EFIELD = -8,      /* a field is missing, malformed or out of range        */
    ORDERS_EBOUNDS = -9,     /* a length inside a message exceeds what carries it     */
    ORDERS_ENOMEM = -10,     /* allocation failed                                    */
    ORDERS_ENOCATALOG = -11, /* QUOTE names a catalog nobody published               */
    ORDERS_ELIMIT = -12,     /* a process-wide limit (catalog slots) is reached      */
    ORDERS_EINVAL = -13      /* bad argument to the API (e.g. a bad bug list)        */
};

/* The planted bugs of the C layer (see targets/orders/BUGS.md). A set bit turns a bug on. */
#define ORDERS_BUG_C1 (1u << 0) /* static scratch buffer shared by concurrent decodes  */
#define ORDERS_BUG_C2 (1u << 1) /* attachment chunk length trusted over the frame      */
#define ORDERS_BUG_C3 (1u << 2) /* catalog refcount updated outside the catalog lock   */
#define ORDERS_BUG_ALL (ORDERS_BUG_C1 | ORDERS_BUG_C2 | ORDERS_BUG_C3)

struct orders_order {
    char user[ORDERS_MAX_ID + 1];
    char sku[ORDERS_MAX_ID + 1];
    uint16_t qty;
    char ship_to[ORDERS_MAX_TEXT + 1]; /* normalized; empty when absent */
};

/* What one session decoded. Filled even when the session ends in an error: everything
 * before the failing frame is there. Plain data, owned by the caller. */
struct orders_result {
    int err;            /* 0 or the enum orders_err that ended the session     */
    uint32_t err_frame; /* index of the failing frame when err != 0             */
    uint32_t frames;    /* frames fully decoded                                 */
    uint32_t by_type[ORDERS_MSG_COUNT];
    char client[ORDERS_MAX_ID + 1]; /* from HELLO                              */
    char user[ORDERS_MAX_ID + 1];   /* from AUTH                               */
    uint32_t n_orders;              /* may exceed ORDERS_RESULT_MAX_ORDERS     */
    struct orders_order orders[ORDERS_RESULT_MAX_ORDERS];
    uint32_t cancels;
    uint32_t quoted_lines;   /* quote lines priced from a catalog             */
    uint32_t unpriced_lines; /* quote lines whose SKU the catalog lacks        */
    uint64_t quote_total_cents;
    uint32_t attachments_done; /* attachments received in full               */
    uint64_t attachment_bytes; /* bytes received over all attachments        */
};

/* Decodes one session from buf[0..len). Never reads outside buf and never keeps a
 * pointer into it (the Go side passes Go memory). Returns out->err. */
int orders_proto_decode(const uint8_t *buf, size_t len, struct orders_result *out);

/* Forgets every published catalog. Call only while no decode runs. */
void orders_proto_reset(void);

/* Chooses the planted bugs: a mask of ORDERS_BUG_* bits, or a spec in the ORDERS_BUGS
 * syntax ("all", "none", or a comma list such as "G1,C2"; G tokens belong to the Go
 * service and are accepted and ignored here; NULL or empty means "all").
 * orders_proto_set_bugs returns 0, or ORDERS_EINVAL leaving the selection unchanged. */
void orders_proto_set_bug_mask(unsigned mask);
int orders_proto_set_bugs(const char *spec);
unsigned orders_proto_bug_mask(void);

/* Short, stable names for logs and JSON: "bad checksum", "order". */
const char *orders_proto_strerror(int err);
const char *orders_proto_msg_name(int type); /* "unknown" for a type out of range */

/* racefuzz frames-mode entry points (target config: frames.c_entry).
 * init:   once per process; reads ORDERS_BUGS; returns 0, or -1 when it does not parse.
 * reset:  between fuzz inputs, while no decode runs: forgets shared state.
 * decode: one frame stream = one session; may run on many threads at once;
 *         returns 0 or a negative enum orders_err. On the fixed variant it never crashes. */
int orders_proto_fuzz_init(void);
void orders_proto_fuzz_reset(void);
int orders_proto_fuzz_decode(const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
