/* The crash store: findings fold by signature, distinct bugs stay apart, a SIGKILL at any
 * moment of a write loses and corrupts nothing, and reports carry no secrets. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "envsnap.h"
#include "fileio.h"
#include "rf_config.h"
#include "sha256.h"
#include "store.h"

static char root[256];

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w) {
    (void)st, (void)f, (void)w;
    return remove(p);
}

static int fresh_root(void **state) {
    (void)state;
    snprintf(root, sizeof(root), "%s/store-test-%ld", RF_BINARY_DIR, (long)getpid());
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static int remove_root(void **state) {
    (void)state;
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static struct signature_result make_sig(const char *kind, const char *frame) {
    struct signature_result s;
    memset(&s, 0, sizeof(s));
    snprintf(s.kind, sizeof(s.kind), "%s", kind);
    snprintf(s.frames[0][0].func, sizeof(s.frames[0][0].func), "%s", frame);
    s.nframes[0] = 1;
    snprintf(s.state, sizeof(s.state), "%s\n%s", kind, frame);
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = s.state; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    snprintf(s.key, sizeof(s.key), "%016llx", (unsigned long long)h);
    return s;
}

static bool put(const struct signature_result *s, const char *input, struct store_entry *e) {
    const char *report = "WARNING: DATA RACE\n  service.putUser()\n";
    struct store_finding f = {.target = "t",
                              .mode = "go",
                              .engine = "libfuzzer",
                              .input = (const uint8_t *)input,
                              .input_size = strlen(input),
                              .sig = s,
                              .report = report,
                              .report_len = strlen(report)};
    return store_put(root, &f, e);
}

static double count_of(const char *dir) {
    cJSON *j = store_load_report(dir);
    assert_non_null(j);
    double c = cJSON_GetObjectItem(j, "Count")->valuedouble;
    cJSON_Delete(j);
    return c;
}

static void store_should_fold_two_inputs_of_one_bug_and_keep_the_smaller(void **state) {
    (void)state;
    struct signature_result s = make_sig("go-data-race", "service.putUser");
    struct store_entry a, b;
    assert_true(put(&s, "a longer input of the race", &a));
    assert_true(a.is_new);
    assert_true(put(&s, "short", &b));
    assert_false(b.is_new);
    assert_true(b.input_replaced);
    assert_string_equal(a.dir, b.dir);
    assert_int_equal(b.count, 2);
    assert_int_equal((int)count_of(b.dir), 2);
    struct fileio_buf in;
    assert_true(fileio_read(b.input, 1024, &in));
    assert_string_equal((char *)in.data, "short");
    fileio_buf_free(&in);
}

static void store_should_keep_two_bugs_apart(void **state) {
    (void)state;
    struct signature_result s1 = make_sig("go-data-race", "service.putUser");
    struct signature_result s2 = make_sig("go-data-race", "service.fxRates");
    struct store_entry a, b;
    assert_true(put(&s1, "x", &a));
    assert_true(put(&s2, "x", &b));
    assert_true(a.is_new && b.is_new);
    assert_string_not_equal(a.dir, b.dir);
}

/* Every entry is whole: report.json parses and names an input that exists with its size. */
static unsigned check_store(void) {
    char tdir[512], path[1024];
    snprintf(tdir, sizeof(tdir), "%s/t", root);
    DIR *d = opendir(tdir);
    struct dirent *e;
    unsigned total = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", tdir, e->d_name);
        cJSON *j = store_load_report(path);
        assert_non_null(j);
        char input[2048];
        snprintf(input, sizeof(input), "%s/%s", path,
                 cJSON_GetObjectItem(j, "InputFile")->valuestring);
        struct stat st;
        assert_int_equal(stat(input, &st), 0);
        assert_int_equal((double)st.st_size, cJSON_GetObjectItem(j, "InputSize")->valuedouble);
        total += (unsigned)cJSON_GetObjectItem(j, "Count")->valuedouble;
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "/report.txt");
        assert_int_equal(access(path, R_OK), 0);
        cJSON_Delete(j);
    }
    if (d != NULL)
        closedir(d);
    return total;
}

static void writer_loop(void) {
    const char *frames[] = {"service.putUser", "service.fxRates", "orders.attach_append"};
    char input[128];
    for (unsigned i = 0;; i++) {
        struct signature_result s = make_sig("go-data-race", frames[i % 3]);
        int n = snprintf(input, sizeof(input), "%0*u", (int)(1 + (i * 7919) % 100), i);
        struct store_entry e;
        (void)n;
        if (!put(&s, input, &e))
            _exit(3);
    }
}

static void store_should_survive_sigkill_at_any_moment(void **state) {
    (void)state;
    unsigned last = 0;
    srand(1);
    for (int round = 0; round < 100; round++) {
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0)
            writer_loop();
        struct timespec t = {0, (long)(rand() % 15000) * 1000};
        nanosleep(&t, NULL);
        kill(p, SIGKILL);
        int ws;
        waitpid(p, &ws, 0);
        assert_true(WIFSIGNALED(ws)); /* the writer never failed on its own */
        unsigned total = check_store();
        assert_true(total >= last); /* nothing counted is ever lost */
        last = total;
    }
    printf("100 SIGKILLs: %u findings stored, every entry whole\n", last);
}

static void report_environment_should_hold_no_secrets(void **state) {
    (void)state;
    const char *env[] = {"PATH=/usr/bin",  "API_KEY=k1",   "GITHUB_TOKEN=t1",
                         "DB_PASSWORD=p1", "my_secret=s1", "AWS_SECRET_ACCESS_KEY=a1",
                         "ORDERS_BUGS=G1", "PASSWD=x",     NULL};
    struct envsnap_opts o = {.env = env};
    cJSON *j = envsnap_collect(&o);
    assert_non_null(j);
    char *text = cJSON_Print(j);
    assert_non_null(strstr(text, "ORDERS_BUGS=G1"));
    const char *secrets[] = {"API_KEY", "TOKEN", "PASSWORD", "secret", "SECRET",
                             "PASSWD",  "k1",    "t1",       "p1",     "s1"};
    const cJSON *pe = cJSON_GetObjectItem(j, "ProcEnviron"), *v;
    cJSON_ArrayForEach(v, pe) {
        for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
            assert_null(strstr(v->valuestring, secrets[i]));
    }
    assert_non_null(cJSON_GetObjectItem(j, "Uname"));
    assert_non_null(cJSON_GetObjectItem(j, "Architecture"));
    free(text);
    cJSON_Delete(j);
}

/* report.json as a finding really gets it: our fields over an environment snapshot that
 * names the engine too. Read back as text, so a key written twice is seen (cJSON's lookup
 * would return the first and hide the second). */
static void report_json_should_name_every_key_once(void **state) {
    (void)state;
    struct signature_result s = make_sig("heap-buffer-overflow", "decode");
    struct envsnap_opts o = {.engine = "libfuzzer"};
    cJSON *extra = envsnap_collect(&o);
    assert_non_null(extra);
    struct store_finding f = {.target = "t",
                              .mode = "frames",
                              .engine = "libfuzzer",
                              .input = (const uint8_t *)"x",
                              .input_size = 1,
                              .sig = &s,
                              .extra = extra};
    struct store_entry e;
    assert_true(store_put(root, &f, &e));
    cJSON_Delete(extra);
    char path[4200];
    snprintf(path, sizeof(path), "%s/report.json", e.dir);
    struct fileio_buf b;
    assert_true(fileio_read(path, RF_MAX_FILE_SIZE, &b));
    cJSON *j = cJSON_ParseWithLength((const char *)b.data, b.size);
    fileio_buf_free(&b);
    assert_non_null(j);
    size_t engines = 0;
    for (const cJSON *a = j->child; a != NULL; a = a->next) {
        engines += strcmp(a->string, "Engine") == 0;
        for (const cJSON *c = a->next; c != NULL; c = c->next)
            if (strcmp(a->string, c->string) == 0)
                fail_msg("report.json repeats the key %s", a->string);
    }
    assert_int_equal(engines, 1);
    cJSON_Delete(j);
}

static void sha256_should_match_the_standard(void **state) {
    (void)state;
    struct sha256 s;
    char hex[65];
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_final_hex(&s, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char a[1000]; /* a million 'a's in uneven pieces: the block buffering */
    memset(a, 'a', sizeof(a));
    sha256_init(&s);
    for (size_t done = 0, i = 0; done < 1000000; i++) {
        size_t n = 1 + (i * 37) % sizeof(a);
        n = n > 1000000 - done ? 1000000 - done : n;
        sha256_update(&s, a, n);
        done += n;
    }
    sha256_final_hex(&s, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha256_init(&s);
    sha256_update(&s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
    sha256_final_hex(&s, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            store_should_fold_two_inputs_of_one_bug_and_keep_the_smaller, fresh_root, remove_root),
        cmocka_unit_test_setup_teardown(store_should_keep_two_bugs_apart, fresh_root, remove_root),
        cmocka_unit_test_setup_teardown(store_should_survive_sigkill_at_any_moment, fresh_root,
                                        remove_root),
        cmocka_unit_test(report_environment_should_hold_no_secrets),
        cmocka_unit_test_setup_teardown(report_json_should_name_every_key_once, fresh_root,
                                        remove_root),
        cmocka_unit_test(sha256_should_match_the_standard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
