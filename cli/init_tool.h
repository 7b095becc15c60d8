/* The pieces of `racefuzz init` (cmd_init.c): the Go route finder / OpenAPI importer it
 * runs (init_tool.c) and the C header scanner for frames mode (init_frames.c). */
#ifndef RF_CLI_INIT_TOOL_H
#define RF_CLI_INIT_TOOL_H

#include <stdbool.h>

/* Runs go/cmd/rfinit with dir (a Go module, may hold no go.mod when spec is given),
 * spec (an OpenAPI file or NULL) and name (or NULL), which writes the proposed config to
 * out. Returns a CLI exit code: OK, USAGE (the tool named the bad input on stderr) or ENV
 * (no tool and no Go to build it). */
int init_tool_run(const char *dir, const char *spec, const char *name, const char *out);

/* Scans the C header for a decode entry point (and init/reset functions) and writes a
 * proposed config with a frames section to out, relative paths taken from out's
 * directory. Returns a CLI exit code; a header that cannot be read or holds no function
 * is a USAGE error naming the file. */
int init_frames_write(const char *header, const char *name, const char *out);

#endif
