/* A dynamically linked program whose qsort comparator overwrites its own return
 * address: the shadow stack at the violation holds frames inside the system libc,
 * which the report must name by library. */
#include <stdlib.h>

static void hijacked(void)
{
    exit(99);
}

__attribute__((noinline)) static int compare(const void *a, const void *b)
{
    void *volatile *slot = __builtin_frame_address(0);
    slot[1] = (void *)hijacked;    /* the return address, above the saved rbp */
    return *(const int *)a - *(const int *)b;
}

int main(void)
{
    int v[4] = {3, 1, 2, 0};
    qsort(v, 4, sizeof v[0], compare);
    return v[0];
}
