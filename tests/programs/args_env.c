// args_env.c: prints argc, each argv element and the environment, sorted.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compare_strings(const void* a, const void* b)
{
    return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i)
        printf("argv[%d]=%s\n", i, argv[i]);

    size_t count = 0;
    while (environ[count])
        ++count;
    char** sorted = malloc((count + 1) * sizeof(char*));
    if (!sorted)
        return 1;
    memcpy(sorted, environ, count * sizeof(char*));
    qsort(sorted, count, sizeof(char*), compare_strings);
    printf("envc=%zu\n", count);
    for (size_t i = 0; i < count; ++i)
        printf("env=%s\n", sorted[i]);
    free(sorted);
    return 0;
}
