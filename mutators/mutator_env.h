/* Mutator settings from the environment, shared by the libFuzzer and AFL++ glue:
 *   RACEFUZZ_DICT           dictionary file (AFL++/libFuzzer syntax) for payload tokens
 *   RACEFUZZ_MAX_FRAME_LEN  frames longer than this are treated as garbage tails
 *   RACEFUZZ_LIE_ONE_IN     one call in N lies about a length (0: never)
 *   RACEFUZZ_FIXUPS         fields recomputed after mutation, e.g. "len16le@2,sum8@last"
 *   RACEFUZZ_SCHEDULE_FRAME 1 when frame 0 is a frames-mode schedule frame */
#ifndef RF_MUTATOR_ENV_H
#define RF_MUTATOR_ENV_H

#include <stdbool.h>

#include "dict.h"
#include "frame_mutate.h"

/* Fills o (max_size left to the caller), d and fx (o points at both). Logs and returns
 * false when a variable is malformed or the dictionary cannot be read. */
bool mutator_env_load(struct frame_mutate_opts *o, struct dict *d, struct fixup_list *fx);

#endif
