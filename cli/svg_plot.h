/* A line plot as an inline SVG element, for report pages that must work offline in one
 * file: no script, no external font or stylesheet. */
#ifndef RF_SVG_PLOT_H
#define RF_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct svg_plot {
    const char *title;   /* shown above the plot and as its accessible name; plain text
                          * without markup characters (< > & ") */
    const char *x_unit;  /* e.g. "s" */
    const double *x, *y; /* n points, x ascending */
    size_t stride;       /* doubles from one point's x (and y) to the next */
    size_t n;
};

/* Writes <svg>…</svg> to out: axes with their ranges, and one <path> through the points
 * (a short flat stroke for one point; "no data" and no path for none). False when a write
 * fails. */
bool svg_plot_write(FILE *out, const struct svg_plot *p);

#endif
