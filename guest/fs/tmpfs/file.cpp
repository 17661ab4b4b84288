// tmpfs regular files: data in lazily allocated pages, holes that read as zero.
#include "tmpfs_nodes.h"

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace fs {

namespace {

// Linux's MAX_LFS_FILESIZE on 64-bit.
constexpr uint64_t MAX_FILE_SIZE = 0x7fffffffffffffffull;
constexpr uint64_t PAGE_SIZE = PageTree::PAGE_SIZE;

} // namespace

TmpFile::~TmpFile() { m_fs->release_bytes(m_pages.free_from(0) * PAGE_SIZE); }

lib::ErrorOr<size_t> TmpFile::read(uint64_t offset, void* buffer, size_t length)
{
    if (offset >= m_size)
        return static_cast<size_t>(0);
    if (length > m_size - offset)
        length = m_size - offset;
    auto* out = static_cast<uint8_t*>(buffer);
    size_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t in_page = position % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page;
        if (chunk > length - done)
            chunk = length - done;
        if (uint8_t* page = m_pages.find(position / PAGE_SIZE))
            memcpy(out + done, page + in_page, chunk);
        else
            memset(out + done, 0, chunk);
        done += chunk;
    }
    touch_access();
    return done;
}

lib::ErrorOr<size_t> TmpFile::write(uint64_t offset, const void* buffer, size_t length)
{
    TRY(check_writable());
    if (length == 0)
        return static_cast<size_t>(0);
    if (offset >= MAX_FILE_SIZE)
        return EFBIG;
    if (length > MAX_FILE_SIZE - offset)
        length = MAX_FILE_SIZE - offset;
    auto* in = static_cast<const uint8_t*>(buffer);
    size_t done = 0;
    lib::Error failure { 0 };
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t index = position / PAGE_SIZE;
        uint64_t in_page = position % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page;
        if (chunk > length - done)
            chunk = length - done;
        uint8_t* page = m_pages.find(index);
        if (!page) {
            if (!m_fs->reserve_bytes(PAGE_SIZE)) {
                failure = ENOSPC;
                break;
            }
            page = m_pages.insert(index);
            if (!page) {
                m_fs->release_bytes(PAGE_SIZE);
                failure = ENOMEM;
                break;
            }
        }
        memcpy(page + in_page, in + done, chunk);
        done += chunk;
    }
    if (done == 0)
        return failure;
    if (offset + done > m_size)
        m_size = offset + done;
    touch_modify();
    return done;
}

lib::ErrorOr<void> TmpFile::resize(uint64_t new_size)
{
    if (new_size > MAX_FILE_SIZE)
        return EFBIG;
    if (new_size < m_size) {
        uint64_t first_gone = (new_size + PAGE_SIZE - 1) / PAGE_SIZE;
        m_fs->release_bytes(m_pages.free_from(first_gone) * PAGE_SIZE);
        // Bytes past the end of the last page read as zero if the file grows again.
        if (new_size % PAGE_SIZE != 0) {
            if (uint8_t* page = m_pages.find(new_size / PAGE_SIZE))
                memset(page + new_size % PAGE_SIZE, 0, PAGE_SIZE - new_size % PAGE_SIZE);
        }
    }
    m_size = new_size;
    return {};
}

} // namespace fs
