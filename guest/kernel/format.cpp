// A small printf for the freestanding kernel (see kernel/format.h).
#include <kernel/format.h>
#include <stdint.h>

namespace kernel {

namespace {

struct Output {
    char* buffer;
    size_t size;
    size_t length = 0;
    void put(char c)
    {
        if (length + 1 < size)
            buffer[length] = c;
        ++length;
    }
};

void put_number(Output& out, uint64_t value, bool negative, unsigned base, bool upper, int width, bool zero_pad, bool left)
{
    char digits[24];
    int count = 0;
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[count++] = alphabet[value % base];
        value /= base;
    } while (value != 0);
    int total = count + (negative ? 1 : 0);
    if (!left && !zero_pad)
        for (int i = total; i < width; ++i)
            out.put(' ');
    if (negative)
        out.put('-');
    if (!left && zero_pad)
        for (int i = total; i < width; ++i)
            out.put('0');
    while (count > 0)
        out.put(digits[--count]);
    if (left)
        for (int i = total; i < width; ++i)
            out.put(' ');
}

} // namespace

size_t vformat(char* buffer, size_t size, const char* fmt, va_list args)
{
    Output out { buffer, size };
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        bool left = false, zero_pad = false;
        for (;; ++p) {
            if (*p == '-')
                left = true;
            else if (*p == '0')
                zero_pad = true;
            else
                break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int precision = -1;
        if (*p == '.') {
            ++p;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(args, int);
                ++p;
            }
            while (*p >= '0' && *p <= '9')
                precision = precision * 10 + (*p++ - '0');
        }
        int longs = 0;
        while (*p == 'l' || *p == 'z') {
            ++longs;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t value = longs ? va_arg(args, int64_t) : va_arg(args, int);
            bool negative = value < 0;
            put_number(out, negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value), negative, 10, false, width, zero_pad, left);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uint64_t value = longs ? va_arg(args, uint64_t) : va_arg(args, unsigned);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            put_number(out, value, false, base, *p == 'X', width, zero_pad, left);
            break;
        }
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, reinterpret_cast<uintptr_t>(va_arg(args, void*)), false, 16, false, 0, false, false);
            break;
        case 's': {
            const char* s = va_arg(args, const char*);
            if (!s)
                s = "(null)";
            int length = 0;
            while (s[length] && (precision < 0 || length < precision))
                ++length;
            if (!left)
                for (int i = length; i < width; ++i)
                    out.put(' ');
            for (int i = 0; i < length; ++i)
                out.put(s[i]);
            if (left)
                for (int i = length; i < width; ++i)
                    out.put(' ');
            break;
        }
        case 'c':
            out.put(static_cast<char>(va_arg(args, int)));
            break;
        case '%':
            out.put('%');
            break;
        case '\0':
            --p;
            break;
        default:
            out.put('%');
            out.put(*p);
        }
    }
    if (size > 0)
        buffer[out.length < size ? out.length : size - 1] = '\0';
    return out.length;
}

size_t format(char* buffer, size_t size, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t length = vformat(buffer, size, fmt, args);
    va_end(args);
    return length;
}

} // namespace kernel
