// Program images for execve (see linux/program_image.h).
#include <lib/errno_codes.h>
#include <linux/elf.h>
#include <linux/file_syscalls.h>
#include <linux/path.h>
#include <linux/process.h>
#include <linux/program_image.h>

namespace linux {

namespace {

constexpr int INTERPRETER_DEPTH_MAX = 4;                  // as Linux's binfmt recursion
constexpr size_t SHEBANG_MAX = 256;                       // BINPRM_BUF_SIZE

// A `#!` line: the interpreter and its one optional argument, cut out of `line` in place.
struct Shebang {
    const char* interpreter { nullptr };
    const char* argument { nullptr };
};

bool parse_shebang(char* line, size_t length, Shebang& out)
{
    if (length < 2 || line[0] != '#' || line[1] != '!')
        return false;
    line[length < SHEBANG_MAX ? length : SHEBANG_MAX - 1] = 0;
    char* end = line + 2;
    while (*end && *end != '\n')
        ++end;
    *end = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (end > line + 2 && blank(end[-1]))
        *--end = 0;
    char* cursor = line + 2;
    while (blank(*cursor))
        ++cursor;
    if (!*cursor)
        return true; // no interpreter: ENOEXEC
    out.interpreter = cursor;
    while (*cursor && !blank(*cursor))
        ++cursor;
    if (*cursor) {
        *cursor++ = 0;
        while (blank(*cursor))
            ++cursor;
        if (*cursor)
            out.argument = cursor;
    }
    return true;
}

// The dynamic linker a PT_INTERP names must be there before execve drops the old image:
// ENOENT if it is missing (as Linux), EACCES if it cannot be executed, ENOEXEC for a bad path.
lib::ErrorOr<void> check_interpreter(const ProgramFile& file, const ElfImage& image)
{
    char path[PATH_LENGTH_MAX];
    if (image.interpreter_length < 2 || image.interpreter_length > sizeof(path))
        return ENOEXEC;
    size_t got = TRY(file.vnode->read(image.interpreter_offset, path, image.interpreter_length));
    if (got != image.interpreter_length || path[got - 1] != 0)
        return ENOEXEC;
    auto interpreter = open_program(path);
    if (interpreter.is_error())
        return interpreter.error() == EISDIR ? EACCES : lib::Error(interpreter.error());
    return {};
}

} // namespace

// The image execve will start: follows `#!` interpreters, checks the ELF and that its
// dynamic linker exists. ENOEXEC for what is neither ELF nor script.

lib::ErrorOr<ProgramFile> resolve_image(const char* path, ImageArguments& arguments)
{
    char current[PATH_LENGTH_MAX];
    if (strlen(path) >= sizeof(current))
        return ENAMETOOLONG;
    memcpy(current, path, strlen(path) + 1);
    for (int depth = 0;; ++depth) {
        char absolute[PATH_LENGTH_MAX];
        TRY(absolute_path(absolute, sizeof(absolute), current_process().cwd.canonical, current));
        auto opened = open_program(absolute);
        if (opened.is_error()) // execve says EACCES for a directory
            return opened.error() == EISDIR ? EACCES : lib::Error(opened.error());
        ProgramFile file = opened.value();
        static uint8_t header[4096];
        size_t got = TRY(file.vnode->read(0, header, sizeof(header)));
        Shebang shebang;
        char line[SHEBANG_MAX];
        size_t line_length = got < SHEBANG_MAX ? got : SHEBANG_MAX;
        memcpy(line, header, line_length);
        if (parse_shebang(line, line_length, shebang)) {
            if (!shebang.interpreter)
                return ENOEXEC;
            if (depth == INTERPRETER_DEPTH_MAX)
                return ELOOP;
            const char* words[3];
            size_t count = 0;
            words[count++] = TRY(arguments.keep(shebang.interpreter));
            if (shebang.argument)
                words[count++] = TRY(arguments.keep(shebang.argument));
            words[count++] = TRY(arguments.keep(current));
            TRY(arguments.replace_first_argument(words, count));
            memcpy(current, shebang.interpreter, strlen(shebang.interpreter) + 1);
            continue;
        }
        const char* reason = "";
        auto image = parse_elf(header, got, file.size, &reason);
        if (image.is_error())
            return ENOEXEC;
        if (image.value().has_interpreter)
            TRY(check_interpreter(file, image.value()));
        return file;
    }
}


lib::ErrorOr<void> push_kernel_string(ImageArguments& arguments, const char* string)
{
    const char* kept = TRY(arguments.keep(string));
    return arguments.push(kept);
}

bool is_script(const ProgramFile& file)
{
    char start[2] = {};
    auto got = file.vnode->read(0, start, sizeof(start));
    return !got.is_error() && got.value() == 2 && start[0] == '#' && start[1] == '!';
}

} // namespace linux
