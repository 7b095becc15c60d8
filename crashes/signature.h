/* Crash signatures: the text of a crash report (a whole engine log or a replay's stderr,
 * engine chatter before and after included) reduced to what ClusterFuzz calls the crash
 * type and the crash state, so the store keeps one entry per bug however often and
 * however differently it is hit.
 *
 * The state is the kind plus the names of the top SIG_STATE_FRAMES frames of the
 * project's own code: frames of runtimes, standard libraries, sanitizers, engines and
 * racefuzz itself are skipped, and names lose argument lists and offsets, so a rebuild
 * or another input reaching the same bug gives the same state. A race's state holds both
 * stacks' top frames in a fixed order, so which access the detector saw first does not
 * matter. An invariant (no stack) contributes its message with numbers, hex and ids
 * folded instead. */
#ifndef RF_SIGNATURE_H
#define RF_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

/* User frames kept per stack for the report; more than the state uses, so people see
 * how the top frames were reached. */
#define SIG_MAX_FRAMES 8

/* Frames per stack that make the state: ClusterFuzz's crash state is the top three. */
#define SIG_STATE_FRAMES 3

struct signature_frame {
    char func[256]; /* normalised name; for a location-only frame "file:line" */
    char file[256]; /* as the report printed it; "" when it printed none */
    int line;       /* 0 when unknown */
};

struct signature_result {
    char kind[64];    /* "heap-buffer-overflow", "go-data-race", "go-invariant", "timeout"... */
    char detail[256]; /* one line for people: "READ of size 1", the invariant's message... */
    /* User frames of the first and, for races, the second stack. When a stack has no user
     * frame at all its top frames are kept as they are, so a state never is just the kind
     * when the report had a stack. */
    struct signature_frame frames[2][SIG_MAX_FRAMES];
    size_t nframes[2];
    char state[1024]; /* "KIND\nFUNC\nFUNC\n..." (races: "--\n" between the two stacks) */
    char key[17];     /* 16 lowercase hex digits: a 64-bit hash (FNV-1a) of state */
};

/* Recognises the most specific crash report in text[0..len) (it need not be
 * NUL-terminated and may hold any bytes) and fills *out. Returns false, with *out zeroed,
 * when the text holds no report it recognises or the report is cut off before its first
 * stack. Reentrant; allocates nothing. */
bool signature_from_report(const char *text, size_t len, struct signature_result *out);

/* The kind of a finding the engine reported but no recogniser could read. */
#define SIG_KIND_UNRECOGNISED "unrecognised"

/* The signature of such a finding: kind SIG_KIND_UNRECOGNISED, the state "KIND\nID", so
 * the caller's id (e.g. the input's content hash) decides what folds together. */
void signature_unrecognised(const char *id, const char *detail, struct signature_result *out);

/* Where the first report that signature_from_report's recognisers know starts in NUL-terminated
 * text, at the beginning of its line ("==PID==ERROR: ...", "racefuzz: http-mode ...");
 * text itself when there is none. The one list of report markers: the CLI trims engine
 * chatter with it, so it cannot drift from what the signature recognises. */
const char *signature_report_start(const char *text);

#endif
