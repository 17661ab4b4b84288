// Open file descriptions (see vfs/open_file.h).
#include <lib/errno_codes.h>
#include <vfs/file_locks.h>
#include <vfs/open_file.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace vfs {

namespace {

constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
constexpr uint32_t CHANGEABLE_FLAGS = Append | NonBlocking | Async | Direct | NoAccessTime;
OpenFileReleaseListener g_release_listener;

} // namespace

bool is_seekable(Vnode& vnode)
{
    uint32_t type = vnode.type();
    return type != TypeFifo && type != TypeSocket && type != TypeCharacterDevice;
}

lib::RefPtr<OpenFile> lib_make_open_file(lib::RefPtr<Vnode> vnode, uint32_t flags, char* path)
{
    void* memory = lib::allocate(sizeof(OpenFile));
    if (!memory)
        return nullptr;
    return lib::RefPtr<OpenFile>(new (memory) OpenFile(vnode, flags, path));
}

OpenFile::OpenFile(lib::RefPtr<Vnode> vnode, uint32_t flags, char* path)
    : m_vnode(vnode)
    , m_flags(flags & ~CloseOnExec)
    , m_path(path)
{
}

void set_open_file_release_listener(OpenFileReleaseListener listener) { g_release_listener = listener; }

OpenFile::~OpenFile()
{
    if (g_release_listener)
        g_release_listener(*this);
    release_open_file_locks(*this);
    m_vnode->close();
    lib::deallocate(m_path);
}

lib::ErrorOr<lib::RefPtr<OpenFile>> OpenFile::create(lib::RefPtr<Vnode> vnode, uint32_t flags, const char* path)
{
    size_t length = 0;
    while (path[length])
        ++length;
    auto* copy = static_cast<char*>(lib::allocate(length + 1));
    if (!copy)
        return ENOMEM;
    memcpy(copy, path, length + 1);
    TRY(vnode->open(flags));
    auto file = lib_make_open_file(vnode, flags, copy);
    if (!file) {
        vnode->close();
        lib::deallocate(copy);
        return ENOMEM;
    }
    return file;
}

void OpenFile::set_status_flags(uint32_t flags) { m_flags = (m_flags & ~CHANGEABLE_FLAGS) | (flags & CHANGEABLE_FLAGS); }

lib::ErrorOr<size_t> OpenFile::read(void* buffer, size_t length)
{
    if (!can_read())
        return EBADF;
    size_t got = TRY(m_vnode->read(m_offset, buffer, length));
    if (is_seekable(*m_vnode))
        m_offset += got;
    return got;
}

lib::ErrorOr<size_t> OpenFile::write(const void* buffer, size_t length)
{
    if (!can_write())
        return EBADF;
    if ((m_flags & Append) && is_seekable(*m_vnode)) {
        auto attributes = TRY(m_vnode->attributes());
        m_offset = static_cast<uint64_t>(attributes.size);
    }
    size_t written = TRY(m_vnode->write(m_offset, buffer, length));
    if (is_seekable(*m_vnode))
        m_offset += written;
    return written;
}

lib::ErrorOr<uint64_t> OpenFile::seek(int64_t offset, int whence)
{
    if (!is_seekable(*m_vnode))
        return ESPIPE;
    int64_t base;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = static_cast<int64_t>(m_offset);
        break;
    case SEEK_END:
    case SEEK_DATA:
    case SEEK_HOLE: {
        auto attributes = TRY(m_vnode->attributes());
        if (whence == SEEK_END) {
            base = attributes.size;
            break;
        }
        if (offset < 0 || offset >= attributes.size)
            return ENXIO;
        m_offset = static_cast<uint64_t>(whence == SEEK_DATA ? offset : attributes.size);
        return m_offset;
    }
    default:
        return EINVAL;
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return EINVAL;
    // For a directory the offset is the read_directory cookie: 0 rewinds, and a d_off from
    // getdents64 continues from there (seekdir).
    m_offset = static_cast<uint64_t>(base + offset);
    return m_offset;
}

} // namespace vfs
