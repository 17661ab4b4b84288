// GuestMemory: creating and mapping the RAM memfd, and the bounded string reader.
#include "host/guest_memory.h"
#include "host/vm_error.h"

#include <algorithm>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace host {

GuestMemory::GuestMemory(uint64_t size)
    : m_size(size)
    , m_owned(true)
{
    m_memfd = memfd_create("unikit-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (m_memfd < 0)
        throw VmError(std::string("cannot create guest memory: ") + strerror(errno));
    // Sparse: the file has no pages until someone touches them.
    if (ftruncate(m_memfd, static_cast<off_t>(size)) < 0) {
        int error = errno;
        close(m_memfd);
        throw VmError(std::string("cannot create guest memory: ") + strerror(error));
    }
    // -m, enforced by the host: the guest holds this file (its fd 4) and may fallocate it, but
    // no one can make it larger (or smaller, under the monitor's mapping) any more.
    if (fcntl(m_memfd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        int error = errno;
        close(m_memfd);
        throw VmError(std::string("cannot seal guest memory: ") + strerror(error));
    }
    void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, m_memfd, 0);
    if (base == MAP_FAILED) {
        int error = errno;
        close(m_memfd);
        throw VmError(std::string("cannot map guest memory: ") + strerror(error));
    }
    m_base = static_cast<uint8_t*>(base);
}

GuestMemory::GuestMemory(uint8_t* base, uint64_t size)
    : m_base(base)
    , m_size(size)
{
}

GuestMemory::~GuestMemory()
{
    if (!m_owned)
        return;
    munmap(m_base, m_size);
    close(m_memfd);
}

std::optional<std::string> GuestMemory::read_string(uabi::Gpa gpa, uint64_t max_length) const
{
    if (gpa > m_size)
        return std::nullopt;
    uint64_t available = std::min(max_length, m_size - gpa);
    auto view = bytes(gpa, available);
    if (view.data() == nullptr)
        return std::nullopt;
    // The guest may write meanwhile: fix the length once, then copy exactly that many bytes.
    auto* nul = static_cast<const uint8_t*>(memchr(view.data(), 0, view.size()));
    if (nul == nullptr)
        return std::nullopt;
    std::string copy(reinterpret_cast<const char*>(view.data()), static_cast<size_t>(nul - view.data()));
    return copy;
}

} // namespace host
