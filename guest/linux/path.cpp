// Path strings (see linux/path.h).
#include <lib/errno_codes.h>
#include <linux/path.h>

namespace linux {

namespace {

class Builder {
public:
    Builder(char* out, size_t size) : m_out(out), m_size(size) {}
    bool put(char c)
    {
        if (m_length + 1 >= m_size)
            return false;
        m_out[m_length++] = c;
        return true;
    }
    // Appends one component, preceded by a slash.
    bool component(const char* start, size_t length)
    {
        if (length == 1 && start[0] == '.')
            return true;
        if (!put('/'))
            return false;
        for (size_t i = 0; i < length; ++i)
            if (!put(start[i]))
                return false;
        return true;
    }
    bool components(const char* path)
    {
        while (*path) {
            while (*path == '/')
                ++path;
            const char* start = path;
            while (*path && *path != '/')
                ++path;
            if (path > start && !component(start, static_cast<size_t>(path - start)))
                return false;
        }
        return true;
    }
    size_t finish()
    {
        if (m_length == 0)
            m_out[m_length++] = '/';
        m_out[m_length] = '\0';
        return m_length;
    }

private:
    char* m_out;
    size_t m_size;
    size_t m_length { 0 };
};

} // namespace

lib::ErrorOr<size_t> absolute_path(char* out, size_t size, const char* directory, const char* path)
{
    if (size < 2)
        return ENAMETOOLONG;
    if (!path[0])
        return ENOENT;
    Builder builder(out, size);
    if (path[0] != '/' && !builder.components(directory))
        return ENAMETOOLONG;
    if (!builder.components(path))
        return ENAMETOOLONG;
    return builder.finish();
}

bool SearchPath::next(char* out, size_t size)
{
    if (!m_next)
        return false;
    const char* end = m_next;
    while (*end && *end != ':')
        ++end;
    size_t length = static_cast<size_t>(end - m_next);
    if (length == 0) {
        length = 1;
        m_next = ".";
    }
    if (length + 1 > size)
        length = size - 1;
    for (size_t i = 0; i < length; ++i)
        out[i] = m_next[i];
    out[length] = '\0';
    m_next = *end ? end + 1 : nullptr;
    return true;
}

const char* find_environment_variable(const char* const* environment, const char* name)
{
    for (; *environment; ++environment) {
        const char* entry = *environment;
        size_t i = 0;
        while (name[i] && entry[i] == name[i])
            ++i;
        if (!name[i] && entry[i] == '=')
            return entry + i + 1;
    }
    return nullptr;
}

} // namespace linux
