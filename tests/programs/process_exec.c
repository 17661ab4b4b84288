// process_exec: execve and its relatives. vfork + execve of args_env with argv and envp (the
// parent resumes only once the child has exec'd, and shares its memory until then); what
// execve keeps and resets (pid, parent, ignored signals, the mask, pending signals; handlers
// go back to SIG_DFL), also when a second thread calls it; execve's errors (ENOENT, ENOTDIR,
// EACCES on a file without x and on a directory, ENOEXEC, E2BIG, EFAULT, ENAMETOOLONG, ELOOP);
// `#!` scripts: an interpreter with an argument, /bin/sh, a script as another's interpreter,
// a missing interpreter, a loop; execvp's PATH search; execveat with a directory fd,
// AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW; posix_spawn with file actions; popen and system.
// Scripts are written to /tmp/process_exec.PID and run by relative paths, so no pid shows.
//
// `process_exec report [ARGS]` is the exec'd half: it checks what it inherited against the
// EXPECT_* variables and exits 0 if all was as Linux makes it.
#include "process_test.h"

#include <pthread.h>
#include <spawn.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char** environ;

static const char* self;       // this program's path (argv[0], absolute)
static const char* args_env;   // /bin/args_env-FLAVOUR
static volatile int vfork_child_ran;

static const char* disposition(int signo)
{
    struct sigaction action;
    sigaction(signo, NULL, &action);
    if (action.sa_handler == SIG_DFL)
        return "default";
    if (action.sa_handler == SIG_IGN)
        return "ignored";
    return "handled";
}

// The exec'd half.
static int report(int argc, char** argv)
{
    printf("report: argc %d:", argc);
    for (int i = 2; i < argc; ++i)
        printf(" [%s]", argv[i]);
    printf("\n");
    const char* pid = getenv("EXPECT_PID");
    if (pid)
        expect("report: pid unchanged by execve", getpid() == atoi(pid));
    const char* ppid = getenv("EXPECT_PPID");
    if (ppid)
        expect("report: parent unchanged by execve", getppid() == atoi(ppid));
    if (getenv("EXPECT_SIGNALS")) {
        sigset_t mask, pending;
        sigprocmask(SIG_BLOCK, NULL, &mask);
        sigpending(&pending);
        printf("report: SIGUSR1 %s, SIGUSR2 %s, SIGHUP blocked %d pending %d\n", disposition(SIGUSR1),
            disposition(SIGUSR2), sigismember(&mask, SIGHUP), sigismember(&pending, SIGHUP));
        if (strcmp(disposition(SIGUSR1), "default") || strcmp(disposition(SIGUSR2), "ignored")
            || !sigismember(&mask, SIGHUP) || !sigismember(&pending, SIGHUP))
            process_failures++;
    }
    fflush(stdout);
    return process_failures ? 1 : 0;
}

static void on_usr1(int signo) { (void)signo; }

// Runs a child that calls EXEC (which execs or returns -1 with errno) and prints "LABEL:
// -1 ENAME" for the errno it got, or the exit status of what it exec'd. WANTED is the
// errno expected (0: the exec succeeds).
static void exec_result(const char* label, int (*exec)(void*), void* argument, int wanted)
{
    int report_pipe[2];
    pipe2(report_pipe, O_CLOEXEC);
    pid_t child = fork_child();
    if (child == 0) {
        exec(argument);
        int error = errno;
        write(report_pipe[1], &error, sizeof error);
        _exit(127);
    }
    close(report_pipe[1]);
    int error = 0;
    long n = read_full(report_pipe[0], &error, sizeof error);
    close(report_pipe[0]);
    int status = wait_status(child, 0);
    if (n == sizeof error) {
        printf("%s: -1 %s\n", label, errno_name(error));
        if (error != wanted)
            process_failures++;
    } else {
        printf("%s: exec'd, %s\n", label, status < 0 ? "not reaped" : status_text(status));
        if (wanted)
            process_failures++;
    }
}

static char* const no_env[] = { NULL };

static int exec_path(void* path)
{
    char* argv[] = { (char*)path, NULL };
    return execve(path, argv, no_env);
}

static int exec_bad_argv(void* path) { return syscall(SYS_execve, path, 8L, no_env); }

static int exec_long_argument(void* path)
{
    static char huge[200000];
    memset(huge, 'x', sizeof huge - 1);
    char* argv[] = { (char*)path, huge, NULL };
    return execve(path, argv, no_env);
}

static int exec_script(void* path)
{
    char* argv[] = { (char*)path, "script-argument", NULL };
    char* env[] = { "FROM=exec_script", NULL };
    return execve(path, argv, env);
}

static int exec_by_path_search(void* name)
{
    char* argv[] = { (char*)name, "found", NULL };
    return execvp(name, argv);
}

static int execveat_in_bin(void* name)
{
    int bin = open("/bin", O_RDONLY | O_DIRECTORY);
    char* argv[] = { "via-execveat", NULL };
    return syscall(SYS_execveat, bin, name, argv, no_env, 0);
}

static int execveat_empty_path(void* path)
{
    int fd = open(path, O_RDONLY);
    char* argv[] = { "via-fd", NULL };
    return syscall(SYS_execveat, fd, "", argv, no_env, AT_EMPTY_PATH);
}

static int execveat_nofollow(void* path)
{
    char* argv[] = { (char*)path, NULL };
    return syscall(SYS_execveat, AT_FDCWD, path, argv, no_env, AT_SYMLINK_NOFOLLOW);
}

static void vfork_exec(void)
{
    char* argv[] = { "args_env", "one", "two words", "", NULL };
    char* env[] = { "A=1", "B=with space", "EMPTY=", NULL };
    vfork_child_ran = 0;
    fflush(stdout);
    pid_t child = vfork();
    if (child == 0) {
        vfork_child_ran = 1;
        execve(args_env, argv, env);
        _exit(127);
    }
    // Printed once the child is reaped: until then, args_env writes to the same stdout.
    int ran = vfork_child_ran;
    expect_reaped("vfork + execve args_env", child, "exited 0");
    expect("vfork: the parent resumed after the child exec'd, sharing its memory", ran == 1);

    fflush(stdout);
    child = vfork();
    if (child == 0) {
        execve("/bin/no-such-program", argv, env);
        _exit(errno);
    }
    int status = wait_status(child, 0);
    printf("vfork + execve of a missing program: the child's _exit(errno): %s\n",
        status >= 0 && WIFEXITED(status) ? errno_name(WEXITSTATUS(status)) : "?");
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != ENOENT)
        process_failures++;
}

static void exec_keeps_and_resets(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    signal(SIGUSR2, SIG_IGN);
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, NULL);
    pid_t parent = getpid();
    pid_t child = fork_child();
    if (child == 0) {
        raise(SIGHUP);
        char pid[32], ppid[32];
        snprintf(pid, sizeof pid, "EXPECT_PID=%d", (int)getpid());
        snprintf(ppid, sizeof ppid, "EXPECT_PPID=%d", (int)parent);
        char* argv[] = { (char*)self, "report", "a", "b c", NULL };
        char* env[] = { pid, ppid, "EXPECT_SIGNALS=1", NULL };
        execve(self, argv, env);
        _exit(127);
    }
    expect_reaped("fork + execve of this program", child, "exited 0");
    sigprocmask(SIG_UNBLOCK, &hup, NULL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static void* exec_from_thread(void* unused)
{
    (void)unused;
    char pid[32];
    snprintf(pid, sizeof pid, "EXPECT_PID=%d", (int)getpid());
    char* argv[] = { (char*)self, "report", "from a thread", NULL };
    char* env[] = { pid, NULL };
    execve(self, argv, env);
    _exit(127);
}

static void thread_exec(void)
{
    pid_t child = fork_child();
    if (child == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, exec_from_thread, NULL);
        for (;;)
            pause();
    }
    expect_reaped("execve from a second thread (the process keeps the leader's pid)", child, "exited 0");
}

static void write_script(const char* name, const char* text, mode_t mode)
{
    if (write_file(name, text) < 0 || chmod(name, mode) < 0) {
        printf("setup: cannot write %s: %s\n", name, errno_name(errno));
        process_failures++;
    }
}

static void errors(void)
{
    exec_result("execve /bin/no-such-program", exec_path, "/bin/no-such-program", ENOENT);
    exec_result("execve \"\"", exec_path, "", ENOENT);
    exec_result("execve /data/hello.txt/x", exec_path, "/data/hello.txt/x", ENOTDIR);
    exec_result("execve /data/hello.txt (mode 0644)", exec_path, "/data/hello.txt", EACCES);
    exec_result("execve /data (a directory)", exec_path, "/data", EACCES);
    exec_result("execve /bin/not-elf (text, mode 0755)", exec_path, "/bin/not-elf", ENOEXEC);
    exec_result("execve with argv = (char**)8", exec_bad_argv, "/bin/hello-glibc-static", EFAULT);
    exec_result("execve with a 200000-byte argument", exec_long_argument, "/bin/hello-glibc-static", E2BIG);
    static char long_path[5000];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    exec_result("execve of a 4999-byte path", exec_path, long_path, ENAMETOOLONG);
}

static void scripts(void)
{
    char text[512];
    // The interpreter gets its own path, the rest of the #! line as one argument (trimmed),
    // the script's path as given to execve, then the script's arguments.
    snprintf(text, sizeof text, "#!%s  -x  y \necho never\n", args_env);
    write_script("script-arg", text, 0755);
    exec_result("#! interpreter with an argument", exec_script, "./script-arg", 0);
    write_script("script-sh", "#!/bin/sh\necho \"script-sh: \\$0=$0 \\$1=$1 FROM=$FROM\"\nexit 7\n", 0755);
    exec_result("#!/bin/sh script", exec_script, "./script-sh", 0);
    write_script("script-nested", "#!./script-arg nested-arg\n", 0755);
    exec_result("#! script whose interpreter is a script", exec_script, "./script-nested", 0);
    write_script("script-missing", "#!/no/such/interpreter\n", 0755);
    exec_result("#! with a missing interpreter", exec_script, "./script-missing", ENOENT);
    write_script("script-loop", "#!./script-loop\n", 0755);
    exec_result("#! script that is its own interpreter", exec_script, "./script-loop", ELOOP);
    write_script("script-empty", "#!\n", 0755);
    exec_result("#! with no interpreter", exec_script, "./script-empty", ENOEXEC);
    write_script("script-noexec", "#!/bin/sh\necho never\n", 0644);
    exec_result("#!/bin/sh script with mode 0644", exec_script, "./script-noexec", EACCES);
}

static void relatives(void)
{
    const char* name = strrchr(args_env, '/') + 1;
    exec_result("execvp by PATH", exec_by_path_search, (void*)name, 0);
    exec_result("execvp of a name on no PATH entry", exec_by_path_search, "no-such-program", ENOENT);
    exec_result("execveat(/bin fd, NAME)", execveat_in_bin, (void*)name, 0);
    exec_result("execveat(fd, \"\", AT_EMPTY_PATH)", execveat_empty_path, (void*)args_env, 0);
    exec_result("execveat(/bin/sh, AT_SYMLINK_NOFOLLOW)", execveat_nofollow, "/bin/sh", ELOOP);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "spawn-out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char* argv[] = { "hello", NULL };
    pid_t child;
    int error = posix_spawn(&child, sibling_program(self, "hello"), &actions, NULL, argv, no_env);
    posix_spawn_file_actions_destroy(&actions);
    printf("posix_spawn hello with stdout to a file: %s\n", error ? errno_name(error) : "0");
    if (error)
        process_failures++;
    else
        expect_reaped("  hello", child, "exited 0");
    print_file("  the file", "spawn-out");
    error = posix_spawn(&child, "/bin/no-such-program", NULL, NULL, argv, no_env);
    printf("posix_spawn of a missing program: %s\n", error ? errno_name(error) : "0");
    if (error != ENOENT)
        process_failures++;
    char* spawn_argv[] = { (char*)name, "spawned", NULL };
    error = posix_spawnp(&child, name, NULL, NULL, spawn_argv, no_env);
    if (!error)
        expect_reaped("posix_spawnp by PATH, args_env", child, "exited 0");
    printf("posix_spawnp by PATH: %s\n", error ? errno_name(error) : "0");
    if (error)
        process_failures++;

    fflush(stdout);
    FILE* pipe_in = popen("echo from popen; exit 3", "r");
    char line[64] = "";
    if (!pipe_in || !fgets(line, sizeof line, pipe_in)) {
        printf("popen: failed\n");
        process_failures++;
    } else {
        printf("popen read: %s", line);
        int status = pclose(pipe_in);
        printf("pclose: %s\n", status_text(status));
        if (strcmp(status_text(status), "exited 3"))
            process_failures++;
    }
    fflush(stdout);
    int status = system("exit 5");
    printf("system(\"exit 5\"): %s\n", status_text(status));
    if (strcmp(status_text(status), "exited 5"))
        process_failures++;
    expect("system(NULL) finds a shell", system(NULL) != 0);
}

int main(int argc, char** argv)
{
    if (argc >= 2 && !strcmp(argv[1], "report"))
        return report(argc, argv);
    process_start(30);
    if (argv[0][0] != '/') {
        printf("setup: run this program by its absolute path\n");
        return 2;
    }
    self = argv[0];
    args_env = sibling_program(self, "args_env");
    setenv("PATH", "/bin", 1);
    vfork_exec();
    exec_keeps_and_resets();
    thread_exec();
    errors();
    if (enter_workdir("process_exec") < 0)
        return 1;
    scripts();
    relatives();
    leave_workdir();
    return finish();
}
