/* Where a target's config and its data live. A target of racefuzz's own tree (--target
 * NAME) has its config at ROOT/targets/NAME/racefuzz.json and its data (corpus/, crashes/,
 * .racefuzz/) in the tree. A user's target (--config PATH, or the Config a stored report
 * names) keeps both in the user's repository: the data beside the config, or under
 * --workdir. No file of racefuzz's tree is touched for it. */
#ifndef RF_CLI_PROJECT_H
#define RF_CLI_PROJECT_H

#include <stdbool.h>

/* Makes the config at path the current target: its "name" becomes the target name
 * (*name, valid as long as the process), its data goes under workdir (NULL: the config's
 * directory). Logs naming the file and returns false when it cannot be read, has no
 * valid name, or workdir cannot be made. */
bool project_use_config(const char *path, const char *workdir, const char **name);

/* Where the current target's data lives: the --workdir or config directory of a user's
 * target, else racefuzz's own tree. */
const char *project_home(void);

/* The current user's target config (an absolute path), or NULL for racefuzz's own. */
const char *project_config(void);

/* The current target's name when a user's config is in use, else NULL. */
const char *project_name(void);

/* Back to racefuzz's own targets (a job that fuzzes a user's config and then its own). */
void project_clear(void);

#endif
