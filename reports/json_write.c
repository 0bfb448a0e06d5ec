#include "reports.h"
#include "report_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_text(const char *tmp, const char *path, const char *text, char *err,
                      size_t errlen)
{
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "json: cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    int bad = fputs(text, f) == EOF || fputc('\n', f) == EOF;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    bad |= fclose(f) != 0;
    if (bad) {
        snprintf(err, errlen, "json: cannot write %s: %s", path, strerror(saved ? saved : errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int report_write_json(json_object *obj, const char *path, char *err, size_t errlen)
{
    const char *text = json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *tmp = report_tmp_path(path);
    if (!text || !tmp) {
        snprintf(err, errlen, "json: out of memory writing %s", path);
        free(tmp);
        return -1;
    }
    int rc = write_text(tmp, path, text, err, errlen);
    if (rc == 0)
        rc = report_commit(tmp, path, err, errlen);
    free(tmp);
    return rc;
}
