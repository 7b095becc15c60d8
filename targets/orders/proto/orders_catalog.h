/* Catalogs: price tables published by one session and quoted against by every session of
 * the process. A table is a reference-counted pooled buffer: the slot that publishes it
 * holds one reference and every quote in progress holds one more, so a table replaced
 * while quotes are running stays alive until the last of them releases it. */
#ifndef ORDERS_CATALOG_H
#define ORDERS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "orders_config.h"

struct catalog_price {
    uint32_t cents;
    char sku[ORDERS_MAX_ID + 1];
};

struct catalog_table {
    unsigned refs; /* owners: the catalog slot and each quote using the table */
    uint16_t id;
    size_t count;
    struct catalog_price prices[];
};

/* A table for count (1..ORDERS_CATALOG_MAX_ENTRIES) prices with one reference, the
 * caller's, or NULL when out of memory. Fill prices before publishing. */
struct catalog_table *catalog_table_new(uint16_t id, size_t count);

/* Makes t the current table of its id, replacing (and releasing) the previous one. Takes
 * over the caller's reference. Returns 0, or ORDERS_ELIMIT when every slot holds another
 * catalog (t is then released). */
int catalog_publish(struct catalog_table *t);

/* The current table of id with a reference for the caller, or NULL if none. Pair every
 * successful acquire with one catalog_release. */
struct catalog_table *catalog_acquire(uint16_t id);
void catalog_release(struct catalog_table *t);

/* The price of sku in t, or NULL. t must be held (acquired or not yet published). */
const struct catalog_price *catalog_find(const struct catalog_table *t, const char *sku);

/* Empties every slot. Call only while no decode runs. */
void catalog_reset(void);

#endif
