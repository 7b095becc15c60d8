/* Tunables of the orders protocol decoder, each with the reason for its value. */
#ifndef ORDERS_CONFIG_H
#define ORDERS_CONFIG_H

/* Largest frame payload accepted. The biggest legitimate message (a catalog page of
 * ORDERS_CATALOG_MAX_ENTRIES short SKUs) fits; a larger length prefix is rejected before
 * anything is allocated, so a hostile prefix cannot make the decoder allocate much.
 * racefuzz.json's frames.max_frame_len says the same. */
#define ORDERS_MAX_FRAME 4096u

/* User ids, client names and SKUs: short identifiers, as the Go service stores them. */
#define ORDERS_MAX_ID 32u

/* Free text (the ship-to address) after normalization. Long enough for a postal
 * address on one line; longer input is cut, not rejected, as the web form does. */
#define ORDERS_MAX_TEXT 128u

/* Session tokens are opaque; shorter than 8 bytes cannot be a real token. */
#define ORDERS_MIN_TOKEN 8u
#define ORDERS_MAX_TOKEN 64u

/* Quantity per order line, the same limit as the HTTP API. */
#define ORDERS_MAX_QTY 999u

/* Price tables shared by all sessions of the process: a handful of catalogs (one per
 * storefront) is what a gateway sees; a table holds one page of a catalog. */
#define ORDERS_CATALOG_SLOTS 8u
#define ORDERS_CATALOG_MAX_ENTRIES 256u

/* Attachments (invoices, photos of damaged goods) are reassembled in memory; 64 KiB
 * bounds what one session can make the decoder hold. */
#define ORDERS_ATTACH_MAX (64u * 1024u)

/* Orders copied into a decode result; later ones are counted but not copied. */
#define ORDERS_RESULT_MAX_ORDERS 16u

#endif
