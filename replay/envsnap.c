#define _GNU_SOURCE
#include "envsnap.h"

#include <ctype.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "rf_config.h"
#include "sha256.h"

#ifndef RACEFUZZ_VERSION
#define RACEFUZZ_VERSION "dev"
#endif

extern char **environ;

static const char *const secret_words[] = {"KEY",    "TOKEN",  "PASSWORD",
                                           "SECRET", "PASSWD", "CREDENTIAL"};

bool envsnap_is_secret(const char *name, size_t len) {
    char up[256];
    if (len >= sizeof(up))
        return true; /* too long to check: leave it out */
    for (size_t i = 0; i < len; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    up[len] = '\0';
    for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
        if (strstr(up, secret_words[i]) != NULL)
            return true;
    return false;
}

static void add_environ(cJSON *j, const char *const *env) {
    cJSON *arr = cJSON_AddArrayToObject(j, "ProcEnviron");
    for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
        const char *eq = strchr(env[i], '=');
        if (eq != NULL && !envsnap_is_secret(env[i], (size_t)(eq - env[i])))
            cJSON_AddItemToArray(arr, cJSON_CreateString(env[i]));
    }
}

static const char *env_get(const char *const *env, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; env != NULL && env[i] != NULL; i++)
        if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
            return env[i] + n + 1;
    return NULL;
}

/* PRETTY_NAME from /etc/os-release ("Debian GNU/Linux 12 (bookworm)"). */
static void add_os(cJSON *j) {
    struct fileio_buf b;
    if (!fileio_read("/etc/os-release", 65536, &b))
        return;
    const char *p = strstr((const char *)b.data, "PRETTY_NAME=");
    if (p != NULL) {
        p += strlen("PRETTY_NAME=");
        p += *p == '"';
        size_t n = strcspn(p, "\"\n");
        char *v = strndup(p, n);
        if (v != NULL)
            cJSON_AddStringToObject(j, "OS", v);
        free(v);
    }
    fileio_buf_free(&b);
}

static void add_uname(cJSON *j) {
    struct utsname u;
    char line[1400];
    if (uname(&u) != 0)
        return;
    snprintf(line, sizeof(line), "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
             u.machine);
    cJSON_AddStringToObject(j, "Uname", line);
    cJSON_AddStringToObject(j, "OSRelease", u.release);
    cJSON_AddStringToObject(j, "Architecture", u.machine);
}

/* The GNU build id note of an ELF64 file, as hex; "" when it has none. */
static void build_id(const struct fileio_buf *b, char *out, size_t cap) {
    out[0] = '\0';
    if (b->size < sizeof(Elf64_Ehdr) || memcmp(b->data, ELFMAG, SELFMAG) != 0 ||
        b->data[EI_CLASS] != ELFCLASS64)
        return;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b->data;
    for (size_t i = 0; i < eh->e_phnum; i++) {
        size_t off = eh->e_phoff + i * sizeof(Elf64_Phdr);
        if (off + sizeof(Elf64_Phdr) > b->size)
            return;
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(b->data + off);
        for (size_t p = ph->p_offset; ph->p_type == PT_NOTE &&
                                      p + sizeof(Elf64_Nhdr) <= ph->p_offset + ph->p_filesz &&
                                      p + sizeof(Elf64_Nhdr) <= b->size;) {
            const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(b->data + p);
            size_t name = p + sizeof(*nh), desc = name + ((nh->n_namesz + 3u) & ~3u);
            if (desc + nh->n_descsz > b->size)
                return;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                memcmp(b->data + name, "GNU", 4) == 0) {
                for (size_t k = 0; k < nh->n_descsz && 2 * k + 3 <= cap; k++)
                    snprintf(out + 2 * k, 3, "%02x", b->data[desc + k]);
                return;
            }
            p = desc + ((nh->n_descsz + 3u) & ~3u);
        }
    }
}

static void add_executable(cJSON *j, const char *exe) {
    char hex[65], id[129];
    struct fileio_buf b;
    if (exe == NULL)
        return;
    cJSON_AddStringToObject(j, "ExecutablePath", exe);
    if (sha256_file_hex(exe, hex))
        cJSON_AddStringToObject(j, "ExecutableSha256", hex);
    if (fileio_read(exe, (size_t)1 << 31, &b)) {
        build_id(&b, id, sizeof(id));
        if (id[0] != '\0')
            cJSON_AddStringToObject(j, "BuildId", id);
        fileio_buf_free(&b);
    }
}

/* First line of a tool's version output ("Ubuntu clang version 14.0.6", "go version ..."). */
static void add_tool_version(cJSON *j, const char *key, const char *cmd) {
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    if (p == NULL)
        return;
    if (fgets(line, sizeof(line), p) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        cJSON_AddStringToObject(j, key, line);
    }
    pclose(p);
}

static cJSON *string_array(char *const *v) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
    return arr;
}

static void add_runtime(cJSON *j, const char *const *env) {
    static const char *const sanitizer_vars[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS",
                                                 "LSAN_OPTIONS", "GORACE",        "GOTRACEBACK"};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *gmp = env_get(env, "GOMAXPROCS");
    cJSON_AddNumberToObject(j, "CPUCount", (double)cpus);
    if (gmp != NULL)
        cJSON_AddStringToObject(j, "GOMAXPROCS", gmp);
    else
        cJSON_AddNumberToObject(j, "GOMAXPROCS", (double)cpus); /* Go's default */
    cJSON *san = cJSON_AddObjectToObject(j, "SanitizerOptions");
    for (size_t i = 0; i < sizeof(sanitizer_vars) / sizeof(sanitizer_vars[0]); i++) {
        const char *v = env_get(env, sanitizer_vars[i]);
        if (v != NULL)
            cJSON_AddStringToObject(san, sanitizer_vars[i], v);
    }
}

cJSON *envsnap_collect(const struct envsnap_opts *o) {
    cJSON *j = cJSON_CreateObject();
    char date[32], hex[65];
    time_t t = time(NULL);
    struct tm tm;
    const char *const *env = o->env != NULL ? o->env : (const char *const *)environ;
    if (j == NULL)
        return NULL;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(j, "Date", date);
    add_uname(j);
    add_os(j);
    add_executable(j, o->executable);
    if (o->argv != NULL)
        cJSON_AddItemToObject(j, "ProcCmdline", string_array(o->argv));
    add_environ(j, env);
    if (o->config != NULL) {
        cJSON_AddStringToObject(j, "Config", o->config);
        if (sha256_file_hex(o->config, hex))
            cJSON_AddStringToObject(j, "ConfigSha256", hex);
    }
    add_tool_version(j, "Compiler", "clang --version 2>/dev/null");
    add_tool_version(j, "GoVersion", "go version 2>/dev/null");
    add_runtime(j, env);
    if (o->engine != NULL)
        cJSON_AddStringToObject(j, "Engine", o->engine);
    if (o->engine_flags != NULL)
        cJSON_AddItemToObject(j, "EngineFlags", string_array(o->engine_flags));
    if (o->schedule != NULL)
        cJSON_AddItemToObject(j, "Schedule", cJSON_Duplicate(o->schedule, true));
    cJSON_AddStringToObject(j, "RacefuzzVersion", RACEFUZZ_VERSION);
    return j;
}
