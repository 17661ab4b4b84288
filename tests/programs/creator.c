// creator.c [COUNT]: creates COUNT files (default 2000) spread over 20 directories in a
// private directory under /tmp, each with its own content; renames every third within its
// directory and every fifth into another directory (overwriting where the name exists);
// deletes every seventh; then lists everything with readdir, reads every file back, and
// prints a summary (counts and a checksum of the sorted names and contents), then removes
// it all. The native run is the oracle.
#include "probe.h"

static char** names;
static size_t name_count, name_capacity;

static void collect(const char* path)
{
    DIR* dir = opendir(path);
    if (!dir) {
        printf("opendir %s: -1 %s\n", path, errno_name(errno));
        return;
    }
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        char* full = malloc(strlen(path) + strlen(entry->d_name) + 2);
        sprintf(full, "%s/%s", path, entry->d_name);
        if (name_count == name_capacity) {
            name_capacity = name_capacity ? name_capacity * 2 : 1024;
            names = realloc(names, name_capacity * sizeof *names);
        }
        names[name_count++] = full;
    }
    closedir(dir);
}

int main(int argc, char** argv)
{
    probe_start();
    int count = argc > 1 ? atoi(argv[1]) : 2000;
    if (enter_workdir("creator") < 0) {
        leave_workdir();
        return 1;
    }
    char path[64], other[64], content[128];
    int failures = 0;
    for (int d = 0; d < 20; ++d) {
        snprintf(path, sizeof path, "d%02d", d);
        if (mkdir(path, 0755) < 0)
            ++failures;
    }
    printf("mkdir failures: %d\n", failures);

    failures = 0;
    for (int i = 0; i < count; ++i) {
        snprintf(path, sizeof path, "d%02d/file-%05d", i % 20, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            ++failures;
            continue;
        }
        int length = snprintf(content, sizeof content, "file %d of %d: %.*s\n", i, count, i % 50,
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        if (write(fd, content, length) != length)
            ++failures;
        if (close(fd) < 0)
            ++failures;
    }
    printf("created %d files, failures: %d\n", count, failures);

    int renamed = 0, moved = 0, deleted = 0;
    failures = 0;
    for (int i = 0; i < count; i += 3) {
        snprintf(path, sizeof path, "d%02d/file-%05d", i % 20, i);
        snprintf(other, sizeof other, "d%02d/renamed-%05d", i % 20, i);
        if (rename(path, other) == 0)
            ++renamed;
        else
            ++failures;
    }
    // Every fifth file moves to the next directory under the name of a file that may exist
    // there already (then it is replaced).
    for (int i = 1; i < count; i += 5) {
        snprintf(path, sizeof path, "d%02d/file-%05d", i % 20, i);
        snprintf(other, sizeof other, "d%02d/file-%05d", (i + 1) % 20, i + 1);
        if (access(path, F_OK) != 0)
            continue;
        if (rename(path, other) == 0)
            ++moved;
        else
            ++failures;
    }
    for (int i = 0; i < count; i += 7) {
        snprintf(path, sizeof path, "d%02d/file-%05d", i % 20, i);
        snprintf(other, sizeof other, "d%02d/renamed-%05d", i % 20, i);
        if (unlink(path) == 0 || unlink(other) == 0)
            ++deleted;
    }
    // A directory renamed, and an emptied directory removed.
    if (rename("d19", "d19-renamed") < 0)
        ++failures;
    for (int i = 0; i < count; ++i) {
        snprintf(path, sizeof path, "d18/file-%05d", i);
        unlink(path);
        snprintf(path, sizeof path, "d18/renamed-%05d", i);
        unlink(path);
    }
    if (rmdir("d18") < 0)
        ++failures;
    printf("renamed %d, moved %d, deleted %d, failures: %d\n", renamed, moved, deleted, failures);

    for (int d = 0; d < 20; ++d) {
        snprintf(path, sizeof path, d == 19 ? "d19-renamed" : "d%02d", d);
        if (d != 18)
            collect(path);
    }
    qsort(names, name_count, sizeof *names, compare_strings);
    uint32_t name_hash = 2166136261u, content_hash = 2166136261u;
    long bytes = 0;
    int unreadable = 0;
    for (size_t i = 0; i < name_count; ++i) {
        name_hash = fnv1a(name_hash, names[i], strlen(names[i]) + 1);
        int fd = open(names[i], O_RDONLY);
        if (fd < 0) {
            ++unreadable;
            continue;
        }
        long n = read(fd, content, sizeof content);
        if (n > 0) {
            content_hash = fnv1a(content_hash, content, n);
            bytes += n;
        }
        close(fd);
    }
    printf("listed %zu files, %ld bytes, unreadable %d\n", name_count, bytes, unreadable);
    printf("names fnv %08x, contents fnv %08x\n", name_hash, content_hash);
    if (name_count > 0)
        printf("first %s, last %s\n", names[0], names[name_count - 1]);
    struct stat st;
    print_stat("stat d19-renamed/renamed-00039", stat("d19-renamed/renamed-00039", &st), &st);
    print_stat("stat d18", stat("d18", &st), &st);
    leave_workdir();
    return 0;
}
