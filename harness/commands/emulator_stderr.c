#include "commands/emulator_stderr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int emulator_stderr_open(char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/cetharness-stderr-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot make a file for the emulator's stderr in %s: %s",
                 dir && *dir ? dir : "/tmp", strerror(errno));
        return -1;
    }
    unlink(path);
    return fd;
}

/* Keep the end of what was read, starting at a line. */
static void keep_tail(const char *buf, size_t len, char *tail, size_t cap)
{
    size_t start = len > cap - 1 ? len - (cap - 1) : 0;
    while (start > 0 && start < len && buf[start - 1] != '\n')
        start++;
    size_t n = len - start;
    memcpy(tail, buf + start, n);
    tail[n] = '\0';
}

void emulator_stderr_drain(int fd, char *tail, size_t cap)
{
    char *all = NULL;
    size_t len = 0, size = 0;
    tail[0] = '\0';
    if (fd < 0)
        return;
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        if (len == size) {
            size_t grown_size = size ? size * 2 : 65536;
            char *grown = realloc(all, grown_size);
            if (!grown)
                break;
            all = grown;
            size = grown_size;
        }
        ssize_t n = read(fd, all + len, size - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    if (len > 0) {
        fwrite(all, 1, len, stderr);
        keep_tail(all, len, tail, cap);
    }
    free(all);
    close(fd);
}
