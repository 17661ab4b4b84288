// Hypercall client: stages requests in the hypercall page and data in the bounce buffer.
// FIXME: one vCPU and no preemption inside the kernel for now; SMP needs a page per CPU.
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <lib/errno_codes.h>
#include <platform/platform.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace hv {

uint8_t* physical(uabi::Gpa gpa) { return reinterpret_cast<uint8_t*>(kernel::PHYSICAL_MAP_BASE + gpa); }

int64_t call_raw(uabi::Hypercall number, const void* request, size_t size, void* answer)
{
    uint8_t* page = physical(uabi::HYPERCALL_PAGE_GPA);
    memcpy(page, request, size);
    int64_t result = platform::hypercall(number, uabi::HYPERCALL_PAGE_GPA);
    if (answer)
        memcpy(answer, page, size);
    return result;
}

lib::ErrorOr<int64_t> result_of(int64_t raw)
{
    if (raw < 0)
        return lib::Error(static_cast<int>(-raw));
    return raw;
}

lib::ErrorOr<int64_t> console_write(int fd, const void* data, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t chunk = length - done < uabi::BOUNCE_BUFFER_SIZE ? length - done : uabi::BOUNCE_BUFFER_SIZE;
        memcpy(physical(uabi::BOUNCE_BUFFER_GPA), static_cast<const uint8_t*>(data) + done, chunk);
        uabi::ConsoleRequest request { static_cast<uint32_t>(fd), 0, uabi::BOUNCE_BUFFER_GPA, chunk };
        int64_t written = call_raw(uabi::Hypercall::Console, &request, sizeof(request), nullptr);
        if (written < 0)
            return done > 0 ? lib::ErrorOr<int64_t>(static_cast<int64_t>(done)) : lib::ErrorOr<int64_t>(lib::Error(static_cast<int>(-written)));
        done += static_cast<size_t>(written);
    }
    return static_cast<int64_t>(done);
}

lib::ErrorOr<int64_t> console_read(void* data, size_t length, bool nonblocking)
{
    size_t chunk = length < uabi::BOUNCE_BUFFER_SIZE ? length : uabi::BOUNCE_BUFFER_SIZE;
    uabi::ConsoleRequest request { 0, nonblocking ? uabi::CONSOLE_NONBLOCKING : 0, uabi::BOUNCE_BUFFER_GPA, chunk };
    int64_t got = TRY(result_of(call_raw(uabi::Hypercall::Console, &request, sizeof(request), nullptr)));
    if (static_cast<size_t>(got) > chunk)
        return EIO;
    memcpy(data, physical(uabi::BOUNCE_BUFFER_GPA), static_cast<size_t>(got));
    return got;
}

uint32_t wait(int64_t deadline, uint32_t watch)
{
    uabi::WaitRequest request { deadline, watch, 0 };
    if (call(uabi::Hypercall::Wait, request) < 0)
        return 0;
    return request.ready & watch;
}

namespace {

constexpr uint32_t EVENT_COUNT = 2; // uabi::EVENT_STDIN, uabi::EVENT_NET
EventReady g_event_ready[EVENT_COUNT];
uint32_t g_watched;

int event_index(uint32_t event) { return event == uabi::EVENT_STDIN ? 0 : event == uabi::EVENT_NET ? 1 : -1; }

} // namespace

void watch_event(uint32_t event, EventReady ready)
{
    int index = event_index(event);
    if (index < 0)
        return;
    g_event_ready[index] = ready;
    g_watched |= event;
}

void unwatch_event(uint32_t event) { g_watched &= ~event; }

bool watching_event(uint32_t event) { return g_watched & event; }

void idle_wait(int64_t deadline)
{
    if (g_watched == 0) {
        int64_t now = platform::clock_ns(1);
        platform::sleep_ns(deadline == INT64_MAX ? 1'000'000'000 : deadline - now);
        return;
    }
    uint32_t ready = wait(deadline, g_watched);
    constexpr uint32_t events[EVENT_COUNT] = { uabi::EVENT_STDIN, uabi::EVENT_NET };
    for (uint32_t event : events) {
        if ((ready & event) && (g_watched & event))
            g_event_ready[event_index(event)]();
    }
}

void exit(uabi::ExitRequest& request)
{
    call(uabi::Hypercall::Exit, request);
    platform::halt();
}

const uabi::BootInfo& boot_info() { return *reinterpret_cast<const uabi::BootInfo*>(physical(uabi::BOOT_INFO_GPA)); }

} // namespace hv
