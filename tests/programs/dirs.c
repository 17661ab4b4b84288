// dirs.c: directories and names, in a private directory under /tmp: mkdir/rmdir
// (ENOTEMPTY), rename (overwrite rules, RENAME_NOREPLACE, RENAME_EXCHANGE via renameat2),
// unlink, link/symlink/readlink, getdents64 listings (sorted by name), chdir/fchdir/getcwd,
// trailing-slash rules, symlink loops and the 40-link limit (ELOOP), ENAMETOOLONG,
// chmod and utimensat. One line per check; the native run is the oracle.
#include "probe.h"

#include <sys/time.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

static long renameat2_(const char* from, const char* to, unsigned flags)
{
    return syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

static const char* dtype_name(unsigned char type)
{
    switch (type) {
    case DT_REG: return "reg";
    case DT_DIR: return "dir";
    case DT_LNK: return "lnk";
    case DT_FIFO: return "fifo";
    case DT_CHR: return "chr";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
    }
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

// Lists PATH with raw getdents64 calls (a small buffer, so several calls are needed for
// big directories) and prints "name type" lines sorted by name, then the entry count.
static void list_dir(const char* label, const char* path, size_t buffer_size)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    char* buffer = malloc(buffer_size);
    char** lines = NULL;
    size_t count = 0, capacity = 0;
    int calls = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buffer, buffer_size);
        if (n < 0) {
            printf("%s: getdents64: -1 %s\n", label, errno_name(errno));
            break;
        }
        if (n == 0)
            break;
        ++calls;
        for (long offset = 0; offset < n;) {
            struct linux_dirent64* entry = (struct linux_dirent64*)(buffer + offset);
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 64;
                lines = realloc(lines, capacity * sizeof *lines);
            }
            char* line = malloc(strlen(entry->d_name) + 16);
            sprintf(line, "%s %s", entry->d_name, dtype_name(entry->d_type));
            lines[count++] = line;
            offset += entry->d_reclen;
        }
    }
    qsort(lines, count, sizeof *lines, compare_strings);
    printf("%s: %zu entries%s\n", label, count, calls > 1 ? " (several getdents64 calls)" : "");
    for (size_t i = 0; i < count; ++i) {
        printf("  %s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(buffer);
    // A second pass after rewinding gives the same count.
    lseek(fd, 0, SEEK_SET);
    size_t again = 0;
    long n;
    char small[4096];
    while ((n = syscall(SYS_getdents64, fd, small, sizeof small)) > 0)
        for (long offset = 0; offset < n; offset += ((struct linux_dirent64*)(small + offset))->d_reclen)
            ++again;
    printf("%s: after rewind %zu entries\n", label, again);
    lseek(fd, 0, SEEK_SET);
    check("  getdents64 with a tiny buffer after rewinding", syscall(SYS_getdents64, fd, small, 8));
    close(fd);
}

static void print_cwd(const char* label)
{
    char buffer[4096];
    if (!getcwd(buffer, sizeof buffer)) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    size_t prefix = strlen(probe_workdir);
    if (strncmp(buffer, probe_workdir, prefix) == 0)
        printf("%s: WORK%s\n", label, buffer + prefix);
    else
        printf("%s: %s\n", label, buffer);
}

static void print_readlink(const char* label, const char* path)
{
    char buffer[256];
    long n = readlink(path, buffer, sizeof buffer);
    print_read(label, n, buffer);
}

int main(void)
{
    probe_start();
    if (enter_workdir("dirs") < 0) {
        leave_workdir();
        return 1;
    }
    struct stat st;

    // mkdir and rmdir.
    check("mkdir d", mkdir("d", 0755));
    check("mkdir d again", mkdir("d", 0755));
    check("mkdir d/ again (trailing slash)", mkdir("d/", 0755));
    check("mkdir missing/x", mkdir("missing/x", 0755));
    check("mkdir 0700 private", mkdir("private", 0700));
    stat_path("  stat private", "private");
    check("mkdir mode 07777 masked", mkdir("masked", 07777));
    stat_path("  stat masked", "masked");
    check("mkdir new/ (trailing slash)", mkdir("new/", 0755));
    check("write d/file", write_file("d/file", "in d\n"));
    check("mkdir d/file/x", mkdir("d/file/x", 0755));
    check("mkdir d/file", mkdir("d/file", 0755));
    check("rmdir d (not empty)", rmdir("d"));
    check("rmdir d/file (a file)", rmdir("d/file"));
    check("rmdir missing", rmdir("missing"));
    check("rmdir .", rmdir("."));
    check("rmdir new/.", rmdir("new/."));
    check("rmdir new/", rmdir("new/"));
    check("mkdir .", mkdir(".", 0755));
    check("mkdir ..", mkdir("..", 0755));
    check("unlink d (a directory)", unlink("d"));
    check("unlink d/file/", unlink("d/file/"));
    check("unlink missing", unlink("missing"));
    check("unlinkat AT_REMOVEDIR on a file", unlinkat(AT_FDCWD, "d/file", AT_REMOVEDIR));
    check("unlinkat bad flags", unlinkat(AT_FDCWD, "d/file", 0x1));
    check("mkdirat d fd, sub", mkdirat(open("d", O_RDONLY | O_DIRECTORY), "sub", 0755));
    stat_path("  stat d/sub", "d/sub");

    // rename.
    write_file("a", "content a\n");
    write_file("b", "content b\n");
    check("rename a -> b (overwrite)", rename("a", "b"));
    print_file("  b", "b");
    stat_path("  a", "a");
    check("rename missing -> x", rename("missing", "x"));
    check("rename b -> b (same)", rename("b", "b"));
    print_file("  b", "b");
    check("rename b -> d (file over a directory)", rename("b", "d"));
    check("rename d -> b (directory over a file)", rename("d", "b"));
    check("mkdir e", mkdir("e", 0755));
    check("rename d -> e (over an empty directory)", rename("d", "e"));
    stat_path("  d", "d");
    print_file("  e/file", "e/file");
    check("mkdir f", mkdir("f", 0755));
    check("rename f -> e (over a non-empty directory)", rename("f", "e"));
    check("rename e -> e/sub/x (into itself)", rename("e", "e/sub/x"));
    check("rename e/ -> g/ (trailing slashes, directory)", rename("e/", "g/"));
    check("rename b -> c/ (file, trailing slash)", rename("b", "c/"));
    check("rename b/ -> c (file with trailing slash)", rename("b/", "c"));
    check("rename b -> missing/c", rename("b", "missing/c"));
    check("rename . -> x", rename(".", "x"));
    check("rename g -> .", rename("g", "."));
    check("renameat2 RENAME_NOREPLACE b -> c", renameat2_("b", "c", RENAME_NOREPLACE));
    write_file("b", "content b2\n");
    check("renameat2 RENAME_NOREPLACE c -> b (exists)", renameat2_("c", "b", RENAME_NOREPLACE));
    print_file("  c", "c");
    print_file("  b", "b");
    check("renameat2 RENAME_EXCHANGE b <-> c", renameat2_("b", "c", RENAME_EXCHANGE));
    print_file("  b", "b");
    print_file("  c", "c");
    check("renameat2 RENAME_EXCHANGE file <-> directory", renameat2_("b", "g", RENAME_EXCHANGE));
    stat_path("  b", "b");
    stat_path("  g", "g");
    check("  exchange back", renameat2_("b", "g", RENAME_EXCHANGE));
    check("renameat2 RENAME_EXCHANGE with a missing name", renameat2_("b", "missing", RENAME_EXCHANGE));
    check("renameat2 NOREPLACE|EXCHANGE", renameat2_("b", "c", RENAME_NOREPLACE | RENAME_EXCHANGE));
    check("renameat2 unknown flag", renameat2_("b", "c", 1u << 20));
    check("renameat2 flags 0", renameat2_("c", "cc", 0));
    check("rename cc -> c", rename("cc", "c"));

    // Hard links and symbolic links.
    check("link b l", link("b", "l"));
    stat_path("  stat b", "b");
    check("link b l (exists)", link("b", "l"));
    check("link g (a directory) gl", link("g", "gl"));
    check("link missing x", link("missing", "x"));
    check("unlink l", unlink("l"));
    stat_path("  stat b", "b");
    check("symlink b -> sb", symlink("b", "sb"));
    check("symlink again", symlink("b", "sb"));
    check("symlink empty target", symlink("", "empty-target"));
    print_readlink("readlink sb", "sb");
    print_readlink("readlink b (a file)", "b");
    print_readlink("readlink missing", "missing");
    lstat_path("lstat sb", "sb");
    stat_path("stat sb", "sb");
    char small[3];
    long n = readlink("sb", small, 1);
    print_read("readlink into a 1-byte buffer", n, small);
    check("symlink g -> sg (to a directory)", symlink("g", "sg"));
    lstat_path("lstat sg", "sg");
    lstat_path("lstat sg/ (follows)", "sg/");
    check("rmdir sg (a symlink)", rmdir("sg"));
    check("rmdir sg/ (symlink to a directory)", rmdir("sg/"));
    check("unlink sg/", unlink("sg/"));
    check("unlink sg", unlink("sg"));
    stat_path("  g survives", "g");
    check("symlink /WORK/b -> abs (absolute)", symlink(probe_workdir, "abs"));
    print_file("read abs/b", "abs/b");
    check("symlink missing -> dangling", symlink("missing", "dangling"));
    stat_path("stat dangling", "dangling");
    lstat_path("lstat dangling", "dangling");
    check("symlink ../../.. -> up", symlink("../../..", "up"));
    print_file("read up/data/hello.txt (.. at the root stays at the root)", "up/data/hello.txt");
    check("link sb hl (a hard link to a symlink)", link("sb", "hl"));
    lstat_path("  lstat hl", "hl");
    unlink("hl");

    // Symlink loops and the 40-link limit.
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    check("open loop1", open("loop1", O_RDONLY));
    stat_path("stat loop1", "loop1");
    lstat_path("lstat loop1", "loop1");
    check("mkdir loop1/x", mkdir("loop1/x", 0755));
    check("symlink self -> self", symlink("self", "self"));
    check("open self/x", open("self/x", O_RDONLY));
    char name[64], target[64];
    write_file("chain-end", "end of the chain\n");
    for (int i = 0; i <= 40; ++i) {
        snprintf(name, sizeof name, "chain%02d", i);
        if (i == 40)
            snprintf(target, sizeof target, "chain-end");
        else
            snprintf(target, sizeof target, "chain%02d", i + 1);
        symlink(target, name);
    }
    print_file("chain of 40 links (chain01)", "chain01");
    print_file("chain of 41 links (chain00)", "chain00");
    int fd = open("chain00", O_PATH | O_NOFOLLOW);
    check("  chain00 O_PATH|O_NOFOLLOW", fd < 0 ? -1 : 0);
    close(fd);
    for (int i = 0; i <= 40; ++i) {
        snprintf(name, sizeof name, "chain%02d", i);
        unlink(name);
    }

    // Name length limits.
    char long_name[300];
    memset(long_name, 'n', sizeof long_name);
    long_name[255] = 0;
    check("open a 255-byte name (missing)", open(long_name, O_RDONLY));
    check("create a 255-byte name", write_file(long_name, "long\n"));
    check("unlink it", unlink(long_name));
    long_name[256] = 0;
    long_name[255] = 'n';
    check("open a 256-byte name", open(long_name, O_RDONLY));
    check("create a 256-byte name", open(long_name, O_CREAT | O_WRONLY, 0644));
    check("mkdir a 256-byte name", mkdir(long_name, 0755));
    static char long_path[8192];
    strcpy(long_path, ".");
    while (strlen(long_path) < 4100)
        strcat(long_path, "/x");
    check("open a 4101-byte path", open(long_path, O_RDONLY));
    check("stat a 4101-byte path", stat(long_path, &st));
    long_path[4095] = 0;
    long_path[4094] = 'x';
    check("open a 4095-byte path (missing)", open(long_path, O_RDONLY));
    strcpy(long_path, ".");
    while (strlen(long_path) < 4000)
        strcat(long_path, "/.");
    strcat(long_path, "/b");
    print_file("open ./././...(4000 bytes)/b", long_path);

    // getdents64.
    check("mkdir listing", mkdir("listing", 0755));
    for (int i = 0; i < 150; ++i) {
        snprintf(name, sizeof name, "listing/entry-%03d-%s", i, i % 3 ? "file" : "name-longer-than-most");
        write_file(name, "x");
    }
    mkdir("listing/subdir", 0755);
    symlink("entry-000", "listing/symlink");
    list_dir("getdents64 listing (1 KiB buffer)", "listing", 1024);
    for (int i = 0; i < 150; i += 2) {
        snprintf(name, sizeof name, "listing/entry-%03d-%s", i, i % 3 ? "file" : "name-longer-than-most");
        unlink(name);
    }
    list_dir("getdents64 after deleting every other entry", "listing", 32768);
    list_dir("getdents64 empty directory", "listing/subdir", 4096);
    fd = open("b", O_RDONLY);
    char buffer[1024];
    check("getdents64 on a file", syscall(SYS_getdents64, fd, buffer, sizeof buffer));
    close(fd);
    check("getdents64 on a bad fd", syscall(SYS_getdents64, 99, buffer, sizeof buffer));
    // readdir while the directory is being emptied: every entry exactly once or not at all.
    DIR* dir = opendir("listing");
    int seen = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        ++seen;
    }
    closedir(dir);
    printf("readdir count: %d\n", seen);
    remove_tree_at(AT_FDCWD, "listing");
    stat_path("listing removed", "listing");

    // chdir, fchdir, getcwd.
    print_cwd("getcwd");
    check("mkdir -p c1/c2/c3", mkdir("c1", 0755) | mkdir("c1/c2", 0755) | mkdir("c1/c2/c3", 0755));
    check("chdir c1/c2/c3", chdir("c1/c2/c3"));
    print_cwd("  getcwd");
    check("chdir ../..", chdir("../.."));
    print_cwd("  getcwd");
    check("chdir c2/./c3/../c3/", chdir("c2/./c3/../c3/"));
    print_cwd("  getcwd");
    int up = open("..", O_RDONLY | O_DIRECTORY);
    check("chdir b (a file)", chdir("../../../b"));
    check("chdir missing", chdir("missing"));
    check("fchdir to ..", fchdir(up));
    print_cwd("  getcwd");
    close(up);
    fd = open("c3", O_RDONLY);
    check("fchdir c3", fchdir(fd));
    close(fd);
    fd = open("../../../b", O_RDONLY);
    check("fchdir a file", fchdir(fd));
    close(fd);
    check("fchdir a bad fd", fchdir(99));
    char tiny[4];
    check("getcwd into a 4-byte buffer", getcwd(tiny, sizeof tiny) ? 0 : -1);
    check("rmdir the cwd (c1/c2/c3)", rmdir("../c3"));
    char cwd_buffer[4096];
    long raw = syscall(SYS_getcwd, cwd_buffer, sizeof cwd_buffer);
    check("getcwd syscall in a removed directory", raw < 0 ? -1 : 0);
    check("create a file in the removed cwd", open("x", O_CREAT | O_WRONLY, 0644));
    list_dir("getdents64 on the removed cwd", ".", 4096);
    check("chdir .. from a removed directory", chdir(".."));
    print_cwd("  getcwd");
    check("chdir /", chdir("/"));
    print_cwd("  getcwd");
    check("chdir /..", chdir("/.."));
    print_cwd("  getcwd");
    check("chdir WORK", chdir(probe_workdir));

    // Permission bits and timestamps (as root, permissions are not enforced).
    check("chmod b 0604", chmod("b", 0604));
    stat_path("  stat b", "b");
    check("chmod b 04755 (setuid bit)", chmod("b", 04755));
    stat_path("  stat b", "b");
    check("chmod missing", chmod("missing", 0644));
    check("chmod via a symlink (sb)", chmod("sb", 0640));
    stat_path("  stat b", "b");
    lstat_path("  lstat sb", "sb");
    struct timespec times[2] = { { 1000000000, 0 }, { 1234567890, 500 } };
    check("utimensat b", utimensat(AT_FDCWD, "b", times, 0));
    stat("b", &st);
    printf("  atime %lld mtime %lld.%09ld\n", (long long)st.st_atime, (long long)st.st_mtime, st.st_mtim.tv_nsec);
    check("utimensat sb AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "sb", times, AT_SYMLINK_NOFOLLOW));
    lstat("sb", &st);
    printf("  symlink mtime %lld\n", (long long)st.st_mtime);
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 42, 0 } };
    check("utimensat UTIME_OMIT atime", utimensat(AT_FDCWD, "b", omit, 0));
    stat("b", &st);
    printf("  atime %lld mtime %lld\n", (long long)st.st_atime, (long long)st.st_mtime);
    struct timespec bad[2] = { { 0, 2000000000 }, { 0, 0 } };
    check("utimensat tv_nsec out of range", utimensat(AT_FDCWD, "b", bad, 0));
    // mtime moves forward when a file is written (only the comparison is printed).
    struct stat before, after;
    stat("b", &before);
    write_file("b", "newer\n");
    stat("b", &after);
    printf("write updates mtime: %s\n", after.st_mtime > before.st_mtime ? "yes" : "no");
    // A directory's mtime changes when an entry is added.
    struct timespec old[2] = { { 100, 0 }, { 100, 0 } };
    utimensat(AT_FDCWD, "g", old, 0);
    write_file("g/new", "x");
    stat("g", &after);
    printf("creating an entry updates the directory mtime: %s\n", after.st_mtime > 100 ? "yes" : "no");

    leave_workdir();
    return 0;
}
