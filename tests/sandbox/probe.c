/* A misbehaving target for the sandbox test: it tries to reach a non-loopback address,
 * to write outside its work directory and to fork-bomb, says what happened to each, uses
 * loopback (which must work), and then aborts like a crashing target, so the test sees
 * that the sandbox contained it and still reported how it ended.
 * usage: probe OUTSIDE_PATH */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void try_connect(const char *ip) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(s, (struct sockaddr *)&a, sizeof(a));
    printf("connect %s: %s\n", ip, rc == 0 ? "connected" : strerror(errno));
    close(s);
}

static void try_loopback(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
    int ok = bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
             getsockname(l, (struct sockaddr *)&a, &len) == 0 &&
             connect(c, (struct sockaddr *)&a, sizeof(a)) == 0;
    printf("loopback: %s\n", ok ? "connected" : strerror(errno));
    close(c);
    close(l);
}

static void try_write(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("write %s: %s\n", path, fd >= 0 ? "written" : strerror(errno));
    if (fd >= 0)
        close(fd);
    fd = open("inside.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("write work dir: %s\n", fd >= 0 ? "written" : strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void fork_bomb(void) {
    int n = 0;
    for (; n < 100000; n++) {
        pid_t p = fork();
        if (p == 0) {
            sleep(60);
            _exit(0);
        }
        if (p < 0)
            break;
    }
    printf("fork bomb: stopped after %d children: %s\n", n, strerror(errno));
}

int main(int argc, char **argv) {
    if (argc != 2)
        return 2;
    setvbuf(stdout, NULL, _IONBF, 0);
    try_connect("10.1.2.3");
    try_connect("1.1.1.1");
    try_loopback();
    try_write(argv[1]);
    fork_bomb();
    abort();
}
