/* Writing a report file atomically: readers never see a half-written report. */
#ifndef CETHARNESS_REPORT_FILE_H
#define CETHARNESS_REPORT_FILE_H

#include <stddef.h>

/* A malloc'd name for the temporary file that will replace path. */
char *report_tmp_path(const char *path);
/* Renames tmp over path; on failure removes tmp and fills err. */
int report_commit(const char *tmp, const char *path, char *err, size_t errlen);

#endif
