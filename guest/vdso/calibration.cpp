// TSC calibration against the host clocks (see vdso/calibration.h).
#include <vdso/calibration.h>

namespace vdso {

namespace {

uint64_t ns_to_ticks(int64_t nanoseconds, uint64_t multiplier)
{
    return static_cast<uint64_t>((static_cast<unsigned __int128>(nanoseconds) << SHIFT) / multiplier);
}

int64_t clamp(int64_t value, int64_t low, int64_t high) { return value < low ? low : value > high ? high : value; }

} // namespace

uint64_t measure_multiplier(const ClockSample& first, const ClockSample& now)
{
    uint64_t ticks = now.tsc - first.tsc;
    int64_t nanoseconds = now.monotonic - first.monotonic;
    if (ticks == 0 || nanoseconds <= 0)
        return 1ull << SHIFT; // nonsense samples: 1 ns a tick until better ones come
    return static_cast<uint64_t>((static_cast<unsigned __int128>(nanoseconds) << SHIFT) / ticks);
}

void anchor(TimeData& data, const ClockSample& first, const ClockSample& now)
{
    uint64_t rate = measure_multiplier(first, now);
    // The next anchor comes after as much time again as the baseline has (so the rate's
    // error times the interval stays about one sample's error), within the bounds.
    int64_t interval_ns = clamp(now.monotonic - first.monotonic, MIN_BASELINE_NS, MAX_INTERVAL_NS);
    uint64_t interval = ns_to_ticks(interval_ns, rate);
    if (interval == 0)
        interval = 1;

    int64_t value = now.monotonic;
    int64_t ahead = 0; // how far the old conversion is ahead of the host now
    if (data.multiplier) {
        int64_t old = now.tsc > data.tsc_base ? monotonic_at(data, now.tsc) : data.monotonic_base;
        ahead = old - now.monotonic;
        // Behind by a lot: jump forward (still monotonic). Ahead: never go back; slew.
        if (ahead < -interval_ns / 8) {
            ahead = 0;
        } else {
            value = old;
        }
    }
    // Lose `ahead` ns over the interval: at most 1/8 of the rate, so the clock keeps moving.
    int64_t limit = static_cast<int64_t>(rate / 8);
    int64_t correction = static_cast<int64_t>((static_cast<__int128>(ahead) << SHIFT) / static_cast<__int128>(interval));
    correction = clamp(correction, -limit, limit);

    data.tsc_base = now.tsc;
    data.monotonic_base = value;
    data.multiplier = static_cast<uint64_t>(static_cast<int64_t>(rate) - correction);
    data.shift = SHIFT;
    data.tsc_limit = interval;
    int64_t offset_change = now.realtime_offset - data.realtime_offset;
    if (data.realtime_offset == 0 || offset_change > REALTIME_STEP_NS || offset_change < -REALTIME_STEP_NS)
        data.realtime_offset = now.realtime_offset;
}

} // namespace vdso
