/* Which planted bugs are on: parsing the ORDERS_BUGS syntax and the process-wide mask. */
#ifndef ORDERS_BUGS_H
#define ORDERS_BUGS_H

#include <stdbool.h>

/* Parses spec ("all", "none", or a comma list of G1..G7 / C1..C3, case and surrounding
 * spaces ignored; NULL or blank means "all") into ORDERS_BUG_* bits. G tokens are valid
 * but carry no C bit. Returns false on any other token, leaving *mask untouched. */
bool orders_bugs_parse(const char *spec, unsigned *mask);

/* The current mask. Loads are relaxed atomics: the mask is set before decoding starts
 * and read on every hot path, so it must be cheap and free of data races. */
bool orders_bug_on(unsigned bug);
void orders_bugs_store(unsigned mask);
unsigned orders_bugs_load(void);

#endif
