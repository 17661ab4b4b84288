// fsops.c OP ARGS... [OP ARGS...]...: runs file-system operations in order, one output line
// each, for the integration and confinement scripts (tests/integration/files.sh and
// confinement.sh), which need a guest program that does exactly what they say. Ops:
//   cat PATH            contents (first 4 KiB), escaped    write PATH TEXT   create/truncate
//   append PATH TEXT    O_APPEND write                      exists PATH       lstat succeeds?
//   mkdir PATH | rmdir PATH | unlink PATH | chdir PATH | cwd
//   rename FROM TO | link FROM TO | symlink TARGET PATH | readlink PATH
//   chmod PATH OCTAL | truncate PATH SIZE | stat PATH | lstat PATH
//   ls PATH             sorted names, one line             sum PATH          size and FNV-1a
//   readn PATH N        reads N bytes: count, all zero?    writebig PATH MIB  MIB MiB of data
//   fdlist              /proc/self/fd entries and link targets, sorted
//   race-read PATH N    opens and reads PATH N times; prints the distinct outcomes
//   swap-race DIR TARGET FILE N
//                       N times: read DIR/FILE, swap DIR for a symlink to TARGET, read
//                       DIR/FILE, write DIR/written-I, swap back; a second thread swaps
//                       continuously while the main thread reads if threads work.
//                       Prints the distinct outcomes.
#include "probe.h"

#include <pthread.h>

static void op_cat(const char* path)
{
    char label[4200];
    snprintf(label, sizeof label, "cat %s", path);
    print_file(label, path);
}

static void op_write(const char* path, const char* text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0) {
        printf("%s %s: -1 %s\n", flags & O_APPEND ? "append" : "write", path, errno_name(errno));
        return;
    }
    long n = write(fd, text, strlen(text));
    int saved = errno;
    int closed = close(fd);
    errno = n < 0 ? saved : errno;
    if (n < 0 || closed < 0)
        printf("%s %s: -1 %s\n", flags & O_APPEND ? "append" : "write", path, errno_name(errno));
    else
        printf("%s %s: %ld\n", flags & O_APPEND ? "append" : "write", path, n);
}

static void op_ls(const char* path)
{
    DIR* dir = opendir(path);
    if (!dir) {
        printf("ls %s: -1 %s\n", path, errno_name(errno));
        return;
    }
    char** names = NULL;
    size_t count = 0, capacity = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            names = realloc(names, capacity * sizeof *names);
        }
        names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof *names, compare_strings);
    printf("ls %s:", path);
    for (size_t i = 0; i < count; ++i) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
    free(names);
}

static void op_sum(const char* path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("sum %s: -1 %s\n", path, errno_name(errno));
        return;
    }
    static char buffer[1 << 16];
    uint32_t hash = 2166136261u;
    long total = 0, n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        hash = fnv1a(hash, buffer, n);
        total += n;
    }
    if (n < 0)
        printf("sum %s: read: -1 %s\n", path, errno_name(errno));
    else
        printf("sum %s: %ld bytes fnv %08x\n", path, total, hash);
    close(fd);
}

static void op_readn(const char* path, long wanted)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("readn %s: -1 %s\n", path, errno_name(errno));
        return;
    }
    static char buffer[1 << 20];
    if (wanted > (long)sizeof buffer)
        wanted = sizeof buffer;
    long total = 0, n = 0;
    while (total < wanted && (n = read(fd, buffer + total, wanted - total)) > 0)
        total += n;
    int all_zero = 1;
    for (long i = 0; i < total; ++i)
        all_zero &= buffer[i] == 0;
    if (n < 0)
        printf("readn %s: -1 %s\n", path, errno_name(errno));
    else
        printf("readn %s: %ld bytes, all zero %s\n", path, total, all_zero ? "yes" : "no");
    close(fd);
}

static void op_writebig(const char* path, long mib)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("writebig %s: -1 %s\n", path, errno_name(errno));
        return;
    }
    static char buffer[1 << 20];
    uint32_t hash = 2166136261u;
    long total = 0;
    for (long m = 0; m < mib; ++m) {
        for (size_t i = 0; i < sizeof buffer; ++i)
            buffer[i] = (char)(i * 31 + m);
        long n = write(fd, buffer, sizeof buffer);
        if (n < 0) {
            printf("writebig %s: -1 %s\n", path, errno_name(errno));
            close(fd);
            return;
        }
        hash = fnv1a(hash, buffer, n);
        total += n;
    }
    close(fd);
    printf("writebig %s: %ld bytes fnv %08x\n", path, total, hash);
}

static void op_fdlist(void)
{
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) {
        printf("fdlist: -1 %s\n", errno_name(errno));
        return;
    }
    int own = dirfd(dir);
    char* lines[256];
    int count = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL && count < 256) {
        if (entry->d_name[0] == '.' || atoi(entry->d_name) == own)
            continue;
        char path[300], target[300];
        snprintf(path, sizeof path, "/proc/self/fd/%s", entry->d_name);
        long n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        lines[count] = malloc(700);
        snprintf(lines[count++], 700, "%s -> %s", entry->d_name, n < 0 ? errno_name(errno) : target);
    }
    closedir(dir);
    qsort(lines, count, sizeof *lines, compare_strings);
    printf("fdlist:");
    for (int i = 0; i < count; ++i)
        printf(" [%s]", lines[i]);
    printf("\n");
}

// Outcomes of racing reads, as a small set of distinct strings with counts.
struct outcomes {
    char text[16][200];
    long count[16];
    int used;
};

static void note(struct outcomes* o, const char* what)
{
    for (int i = 0; i < o->used; ++i)
        if (!strcmp(o->text[i], what)) {
            ++o->count[i];
            return;
        }
    if (o->used < 16) {
        snprintf(o->text[o->used], sizeof o->text[0], "%s", what);
        o->count[o->used++] = 1;
    }
}

static void note_read(struct outcomes* o, const char* prefix, const char* path)
{
    char result[200], buffer[100];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(result, sizeof result, "%s: %s", prefix, errno_name(errno));
    } else {
        long n = read(fd, buffer, sizeof buffer - 1);
        close(fd);
        if (n < 0) {
            snprintf(result, sizeof result, "%s: read %s", prefix, errno_name(errno));
        } else {
            while (n > 0 && buffer[n - 1] == '\n')
                --n;
            buffer[n] = 0;
            snprintf(result, sizeof result, "%s: \"%s\"", prefix, buffer);
        }
    }
    note(o, result);
}

static void print_outcomes(const char* label, const struct outcomes* o)
{
    for (int i = 0; i < o->used; ++i)
        printf("%s: outcome %s (x%ld)\n", label, o->text[i], o->count[i]);
}

static void op_race_read(const char* path, long n)
{
    struct outcomes o = { 0 };
    for (long i = 0; i < n; ++i)
        note_read(&o, "read", path);
    char label[300];
    snprintf(label, sizeof label, "race-read %s", path);
    print_outcomes(label, &o);
}

struct swapper {
    const char* dir;
    char aside[300];
    const char* target;
    volatile int stop;
    long swaps;
};

static void swap_to_link(struct swapper* s)
{
    if (rename(s->dir, s->aside) == 0 && symlink(s->target, s->dir) < 0)
        rename(s->aside, s->dir);
}

static void swap_back(struct swapper* s)
{
    struct stat st;
    if (lstat(s->dir, &st) == 0 && S_ISLNK(st.st_mode))
        unlink(s->dir);
    rename(s->aside, s->dir);
}

static void* swap_loop(void* argument)
{
    struct swapper* s = argument;
    while (!s->stop) {
        swap_to_link(s);
        swap_back(s);
        ++s->swaps;
    }
    return NULL;
}

static void op_swap_race(const char* dir, const char* target, const char* file, long n)
{
    struct swapper s = { .dir = dir, .target = target };
    snprintf(s.aside, sizeof s.aside, "%s.aside", dir);
    struct outcomes o = { 0 };
    char path[400], written[400];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    long writes_ok = 0;
    for (long i = 0; i < n; ++i) {
        note_read(&o, "read as directory", path);
        swap_to_link(&s);
        note_read(&o, "read through the symlink", path);
        snprintf(written, sizeof written, "%s/written-%ld", dir, i % 8);
        int fd = open(written, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ++writes_ok;
            write(fd, "raced\n", 6);
            close(fd);
        }
        swap_back(&s);
    }
    char label[400];
    snprintf(label, sizeof label, "swap-race %s", dir);
    printf("%s: alternating: writes that succeeded %ld of %ld\n", label, writes_ok, n);
    print_outcomes(label, &o);

    pthread_t thread;
    int error = pthread_create(&thread, NULL, swap_loop, &s);
    if (error) {
        printf("%s: no second thread (%s)\n", label, errno_name(error));
        return;
    }
    struct outcomes t = { 0 };
    for (long i = 0; i < n * 4; ++i) {
        note_read(&t, "threaded read", path);
        snprintf(written, sizeof written, "%s/written-%ld", dir, i % 8);
        int fd = open(written, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0)
            close(fd);
    }
    s.stop = 1;
    pthread_join(thread, NULL);
    swap_back(&s);
    print_outcomes(label, &t);
}

int main(int argc, char** argv)
{
    probe_start();
    char buffer[4200];
    struct stat st;
    for (int i = 1; i < argc;) {
        const char* op = argv[i++];
        const char* a = i < argc ? argv[i] : "";
        const char* b = i + 1 < argc ? argv[i + 1] : "";
        const char* c = i + 2 < argc ? argv[i + 2] : "";
        const char* d = i + 3 < argc ? argv[i + 3] : "";
        if (!strcmp(op, "cat")) {
            op_cat(a);
            i += 1;
        } else if (!strcmp(op, "write")) {
            op_write(a, b, O_TRUNC);
            i += 2;
        } else if (!strcmp(op, "append")) {
            op_write(a, b, O_APPEND);
            i += 2;
        } else if (!strcmp(op, "exists")) {
            printf("exists %s: %s\n", a, lstat(a, &st) == 0 ? "yes" : errno_name(errno));
            i += 1;
        } else if (!strcmp(op, "mkdir")) {
            checkf(mkdir(a, 0755), "mkdir %s", a);
            i += 1;
        } else if (!strcmp(op, "rmdir")) {
            checkf(rmdir(a), "rmdir %s", a);
            i += 1;
        } else if (!strcmp(op, "unlink")) {
            checkf(unlink(a), "unlink %s", a);
            i += 1;
        } else if (!strcmp(op, "chdir")) {
            checkf(chdir(a), "chdir %s", a);
            i += 1;
        } else if (!strcmp(op, "cwd")) {
            printf("cwd: %s\n", getcwd(buffer, sizeof buffer) ? buffer : errno_name(errno));
        } else if (!strcmp(op, "rename")) {
            checkf(rename(a, b), "rename %s %s", a, b);
            i += 2;
        } else if (!strcmp(op, "link")) {
            checkf(link(a, b), "link %s %s", a, b);
            i += 2;
        } else if (!strcmp(op, "symlink")) {
            checkf(symlink(a, b), "symlink %s %s", a, b);
            i += 2;
        } else if (!strcmp(op, "readlink")) {
            long n = readlink(a, buffer, sizeof buffer);
            char label[4200];
            snprintf(label, sizeof label, "readlink %s", a);
            print_read(label, n, buffer);
            i += 1;
        } else if (!strcmp(op, "chmod")) {
            checkf(chmod(a, strtol(b, NULL, 8)), "chmod %s %s", a, b);
            i += 2;
        } else if (!strcmp(op, "truncate")) {
            checkf(truncate(a, atol(b)), "truncate %s %s", a, b);
            i += 2;
        } else if (!strcmp(op, "stat") || !strcmp(op, "lstat")) {
            char label[4200];
            snprintf(label, sizeof label, "%s %s", op, a);
            int result = op[0] == 's' ? stat(a, &st) : lstat(a, &st);
            print_stat(label, result, &st);
            i += 1;
        } else if (!strcmp(op, "ls")) {
            op_ls(a);
            i += 1;
        } else if (!strcmp(op, "sum")) {
            op_sum(a);
            i += 1;
        } else if (!strcmp(op, "readn")) {
            op_readn(a, atol(b));
            i += 2;
        } else if (!strcmp(op, "writebig")) {
            op_writebig(a, atol(b));
            i += 2;
        } else if (!strcmp(op, "fdlist")) {
            op_fdlist();
        } else if (!strcmp(op, "race-read")) {
            op_race_read(a, atol(b));
            i += 2;
        } else if (!strcmp(op, "swap-race")) {
            op_swap_race(a, b, c, atol(d));
            i += 4;
        } else {
            printf("fsops: unknown op '%s'\n", op);
            return 2;
        }
    }
    return 0;
}
