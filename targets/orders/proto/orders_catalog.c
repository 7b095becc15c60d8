#define _POSIX_C_SOURCE 200809L
#include "orders_catalog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "orders_bugs.h"
#include "orders_proto.h"

/* g_lock guards g_slots and, in the fixed variant, every table's refs. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct catalog_table *g_slots[ORDERS_CATALOG_SLOTS];

struct catalog_table *catalog_table_new(uint16_t id, size_t count) {
    if (count == 0 || count > ORDERS_CATALOG_MAX_ENTRIES)
        return NULL;
    struct catalog_table *t = calloc(1, sizeof(*t) + count * sizeof(t->prices[0]));
    if (t == NULL)
        return NULL;
    t->refs = 1;
    t->id = id;
    t->count = count;
    return t;
}

/* Drops one reference; returns true when it was the last. Caller holds g_lock unless
 * bug C3 is on. */
static bool unref(struct catalog_table *t) {
    return --t->refs == 0;
}

void catalog_release(struct catalog_table *t) {
    if (t == NULL)
        return;
    bool last;
    if (orders_bug_on(ORDERS_BUG_C3)) {
        /* BUG C3: "a counter does not need the lock": two threads releasing (or one
         * releasing while another acquires) lose an update, the count reaches zero
         * while a quote still prices against the table, and it is freed under it. */
        last = unref(t);
    } else {
        pthread_mutex_lock(&g_lock);
        last = unref(t);
        pthread_mutex_unlock(&g_lock);
    }
    if (last)
        free(t);
}

struct catalog_table *catalog_acquire(uint16_t id) {
    struct catalog_table *t = NULL;
    bool c3 = orders_bug_on(ORDERS_BUG_C3);
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < ORDERS_CATALOG_SLOTS && t == NULL; i++)
        if (g_slots[i] != NULL && g_slots[i]->id == id)
            t = g_slots[i];
    if (t != NULL && !c3)
        t->refs++;
    pthread_mutex_unlock(&g_lock);
    /* BUG C3: the reference is taken after the lock is dropped, to keep the critical
     * section short; a publish in between can free t first. */
    if (t != NULL && c3)
        t->refs++;
    return t;
}

/* The slot for id: the one holding it, else the first empty one, else SIZE_MAX. */
static size_t slot_for(uint16_t id) {
    size_t empty = SIZE_MAX;
    for (size_t i = 0; i < ORDERS_CATALOG_SLOTS; i++) {
        if (g_slots[i] != NULL && g_slots[i]->id == id)
            return i;
        if (g_slots[i] == NULL && empty == SIZE_MAX)
            empty = i;
    }
    return empty;
}

int catalog_publish(struct catalog_table *t) {
    struct catalog_table *old = NULL;
    pthread_mutex_lock(&g_lock);
    size_t i = slot_for(t->id);
    if (i != SIZE_MAX) {
        old = g_slots[i];
        g_slots[i] = t;
    }
    pthread_mutex_unlock(&g_lock);
    if (i == SIZE_MAX) {
        catalog_release(t);
        return ORDERS_ELIMIT;
    }
    catalog_release(old);
    return 0;
}

const struct catalog_price *catalog_find(const struct catalog_table *t, const char *sku) {
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->prices[i].sku, sku) == 0)
            return &t->prices[i];
    return NULL;
}

void catalog_reset(void) {
    struct catalog_table *gone[ORDERS_CATALOG_SLOTS];
    pthread_mutex_lock(&g_lock);
    memcpy(gone, g_slots, sizeof(gone));
    memset(g_slots, 0, sizeof(g_slots));
    pthread_mutex_unlock(&g_lock);
    for (size_t i = 0; i < ORDERS_CATALOG_SLOTS; i++)
        catalog_release(gone[i]);
}
