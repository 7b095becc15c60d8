/* Inline SVG line plots (svg_plot.h). */
#include "svg_plot.h"

#include <math.h>

#define W 480.0
#define H 200.0
#define LEFT 72.0 /* room for the y labels */
#define RIGHT 10.0
#define TOP 24.0
#define BOTTOM 28.0

static double at(const double *v, size_t stride, size_t i) {
    return v[i * stride];
}

static void range(const double *v, size_t stride, size_t n, double *lo, double *hi) {
    *lo = INFINITY, *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = at(v, stride, i);
        if (isfinite(x))
            *lo = x < *lo ? x : *lo, *hi = x > *hi ? x : *hi;
    }
    if (!isfinite(*lo))
        *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-9)
        *hi = *lo + 1; /* a flat line still gets a scale */
}

static void axes(FILE *out, const struct svg_plot *p, double x0, double x1, double y0, double y1) {
    fprintf(out,
            "<path class=\"axis\" d=\"M%.0f %.0f V%.0f H%.0f\" fill=\"none\" stroke=\"#888\"/>\n",
            LEFT, TOP, H - BOTTOM, W - RIGHT);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.3g</text>\n", LEFT - 4, TOP + 8,
            y1);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.4g</text>\n", LEFT - 4,
            H - BOTTOM, y0);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">%.4g %s</text>\n", LEFT, H - 8, x0, p->x_unit);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.4g %s</text>\n", W - RIGHT,
            H - 8, x1, p->x_unit);
}

static void line(FILE *out, const struct svg_plot *p, double x0, double x1, double y0, double y1) {
    double sx = (W - LEFT - RIGHT) / (x1 - x0), sy = (H - TOP - BOTTOM) / (y1 - y0);
    fputs("<path class=\"series\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" d=\"", out);
    size_t drawn = 0;
    for (size_t i = 0; i < p->n; i++) {
        double x = at(p->x, p->stride, i), y = at(p->y, p->stride, i);
        if (!isfinite(x) || !isfinite(y))
            continue;
        fprintf(out, "%s%.1f %.1f", drawn++ == 0 ? "M" : " L", LEFT + (x - x0) * sx,
                H - BOTTOM - (y - y0) * sy);
    }
    fputs(drawn == 1 ? " h4" : drawn == 0 ? "M0 0" : "", out);
    fputs("\"/>\n", out);
}

bool svg_plot_write(FILE *out, const struct svg_plot *p) {
    double x0, x1, y0, y1;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            W, H, W, H);
    fputs(p->title, out);
    fprintf(out, "\">\n<text x=\"%.0f\" y=\"16\" class=\"title\">%s</text>\n", LEFT, p->title);
    if (p->n == 0) {
        fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">no data</text>\n", W / 2, H / 2);
    } else {
        range(p->x, p->stride, p->n, &x0, &x1);
        range(p->y, p->stride, p->n, &y0, &y1);
        if (y0 > 0)
            y0 = 0; /* counts and rates read best from zero */
        if (x0 > 0)
            x0 = 0; /* a run's time starts at 0, whenever the engine first spoke */
        axes(out, p, x0, x1, y0, y1);
        line(out, p, x0, x1, y0, y1);
    }
    fputs("</svg>\n", out);
    return !ferror(out);
}
