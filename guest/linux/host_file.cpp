// ROOTFS files through the monitor (see linux/host_file.h).
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <linux/host_file.h>
#include <linux/path.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" size_t strlen(const char*);

namespace linux::host_file {

lib::ErrorOr<int64_t> open(const char* absolute_path)
{
    size_t length = strlen(absolute_path) + 1;
    if (length > uabi::BOUNCE_BUFFER_SIZE || length > PATH_LENGTH_MAX)
        return ENAMETOOLONG;
    memcpy(hv::physical(uabi::BOUNCE_BUFFER_GPA), absolute_path, length);
    uabi::FileOpenRequest request { uabi::BOUNCE_BUFFER_GPA, length };
    return hv::result_of(hv::call(uabi::Hypercall::FileOpen, request));
}

namespace {

// FileRead and FileReadDirectory: bytes into guest RAM; the monitor may not claim more.
lib::ErrorOr<size_t> read_request(uabi::Hypercall number, int64_t handle, uabi::Gpa gpa, size_t length, uint64_t offset)
{
    uabi::FileReadRequest request { handle, gpa, length, offset };
    int64_t got = TRY(hv::result_of(hv::call(number, request)));
    if (static_cast<size_t>(got) > length)
        return EIO;
    return static_cast<size_t>(got);
}

} // namespace

lib::ErrorOr<size_t> read_physical(int64_t handle, uabi::Gpa gpa, size_t length, uint64_t offset)
{
    return read_request(uabi::Hypercall::FileRead, handle, gpa, length, offset);
}

lib::ErrorOr<size_t> read_directory_physical(int64_t handle, uabi::Gpa gpa, size_t length, uint64_t offset)
{
    return read_request(uabi::Hypercall::FileReadDirectory, handle, gpa, length, offset);
}

lib::ErrorOr<size_t> read(int64_t handle, void* buffer, size_t length, uint64_t offset)
{
    size_t done = 0;
    while (done < length) {
        size_t chunk = length - done < uabi::BOUNCE_BUFFER_SIZE ? length - done : uabi::BOUNCE_BUFFER_SIZE;
        auto got = read_physical(handle, uabi::BOUNCE_BUFFER_GPA, chunk, offset + done);
        if (got.is_error()) {
            if (done > 0)
                break;
            return lib::Error(got.error());
        }
        memcpy(static_cast<uint8_t*>(buffer) + done, hv::physical(uabi::BOUNCE_BUFFER_GPA), got.value());
        done += got.value();
        if (got.value() < chunk)
            break;
    }
    return done;
}

lib::ErrorOr<size_t> read_into_pages(mm::AddressSpace& space, int64_t handle, uint64_t address, uint64_t length, uint64_t offset)
{
    uint64_t done = 0;
    while (done < length) {
        const mm::Region* region = space.find(address + done);
        if (!region)
            return EFAULT;
        uint64_t run = region->end - (address + done);
        uint64_t chunk = length - done < run ? length - done : run;
        uint64_t physical = region->physical + (address + done - region->start);
        size_t got = TRY(read_physical(handle, physical, chunk, offset + done));
        if (got == 0)
            break;
        done += got;
    }
    return done;
}

lib::ErrorOr<uabi::FileStatRequest> stat(int64_t handle)
{
    uabi::FileStatRequest request {};
    request.handle = handle;
    TRY(hv::result_of(hv::call(uabi::Hypercall::FileStat, request)));
    return request;
}

void close(int64_t handle)
{
    uabi::FileCloseRequest request { handle };
    hv::call(uabi::Hypercall::FileClose, request);
}

lib::ErrorOr<uabi::FileStatRequest> stat_path(const char* absolute_path)
{
    int64_t handle = TRY(open(absolute_path));
    auto result = stat(handle);
    close(handle);
    return result;
}

} // namespace linux::host_file
