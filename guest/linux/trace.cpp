// --trace: strace-like lines, decoded with the argument specs of the syscall table.
#include <kernel/format.h>
#include <linux/process.h>
#include <kernel/log.h>
#include <lib/errno_codes.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr size_t SHOWN_BYTES = 32;

class Line {
public:
    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        if (m_length >= sizeof(m_text) - 1)
            return;
        va_list args;
        va_start(args, fmt);
        m_length += kernel::vformat(m_text + m_length, sizeof(m_text) - m_length, fmt, args);
        va_end(args);
        if (m_length > sizeof(m_text) - 1)
            m_length = sizeof(m_text) - 1;
    }
    // Program bytes as a C string literal, cut at SHOWN_BYTES with "...".
    void add_bytes(UserAddress address, uint64_t length, bool is_string)
    {
        uint8_t bytes[SHOWN_BYTES];
        size_t shown = length < SHOWN_BYTES ? length : SHOWN_BYTES;
        if (copy_from_user(bytes, address, shown).is_error()) {
            add("0x%lx", address);
            return;
        }
        add("\"");
        for (size_t i = 0; i < shown; ++i) {
            uint8_t c = bytes[i];
            if (is_string && c == 0) {
                add("\"");
                return;
            }
            if (c == '\n')
                add("\\n");
            else if (c == '\t')
                add("\\t");
            else if (c == '"' || c == '\\')
                add("\\%c", c);
            else if (c >= 32 && c < 127)
                add("%c", c);
            else
                add("\\%o", c);
        }
        add(length > SHOWN_BYTES ? "\"..." : "\"");
    }
    const char* text() const { return m_text; }

private:
    char m_text[512] {};
    size_t m_length { 0 };
};

} // namespace

void trace_syscall(const SyscallEntry& entry, uint64_t number, const uint64_t* arguments, int64_t result)
{
    Line line;
    // As strace -f: once there is more than one thread or process, each line names the
    // thread that made the call by its tid (a process's first thread's is its pid).
    static bool several;
    several = several || sched::live_task_count() > 1;
    if (several)
        line.add("[pid %d] ", current_thread().tid);
    if (entry.name)
        line.add("%s(", entry.name);
    else
        line.add("syscall_%lu(", number);
    const char* spec = entry.spec;
    int index = 0;
    for (; spec[index] && spec[index] != '>' && index < 6; ++index) {
        if (index > 0)
            line.add(", ");
        uint64_t value = arguments[index];
        switch (spec[index]) {
        case 'd':
            line.add("%d", static_cast<int>(value));
            break;
        case 'l':
            line.add("%ld", static_cast<int64_t>(value));
            break;
        case 'u':
            line.add("%lu", value);
            break;
        case 'f':
            if (static_cast<int>(value) == -100)
                line.add("AT_FDCWD");
            else
                line.add("%d", static_cast<int>(value));
            break;
        case 's':
            line.add_bytes(value, SHOWN_BYTES, true);
            break;
        case 'b':
            line.add_bytes(value, arguments[index + 1], false);
            break;
        case 'o':
            if (result >= 0 && result != TRACE_NO_RETURN)
                line.add_bytes(value, static_cast<uint64_t>(result), false);
            else
                line.add("0x%lx", value);
            break;
        default:
            line.add("0x%lx", value);
        }
    }
    bool hex_result = spec[index] == '>';
    if (result == TRACE_NO_RETURN)
        line.add(") = ?");
    else if (result == TRACE_UNFINISHED)
        line.add(" <unfinished ...>");
    else if (result < 0 && result > -4096) {
        int error = static_cast<int>(-result);
        const char* name = lib::errno_name(error);
        line.add(") = -1 %s (%s)", name ? name : "E?", lib::errno_message(error));
    } else if (hex_result)
        line.add(") = 0x%lx", result);
    else
        line.add(") = %ld", result);
    kernel::print_stderr("%s", line.text());
}

} // namespace linux
