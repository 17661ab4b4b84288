// The vDSO's TSC conversion (vdso/time_data.h) and its calibration against the host clocks
// (vdso/calibration.h): a simulated TSC and host clock with known rates and sampling noise.
#include <gtest/gtest.h>
#include <vdso/calibration.h>

#include <cstdint>
#include <random>

namespace {

using vdso::ClockSample;
using vdso::TimeData;

TEST(VdsoTimeData, TicksToNanosecondsWithMultiplierAndShift)
{
    // 2.5 GHz: 0.4 ns a tick.
    uint64_t multiplier = (uint64_t(4) << 32) / 10;
    EXPECT_NEAR(vdso::ticks_to_ns(2'500'000'000, multiplier, 32), 1'000'000'000, 1);
    EXPECT_EQ(vdso::ticks_to_ns(0, multiplier, 32), 0);
    // A delta of minutes at a multiplier above 2^32 (slow TSC) does not overflow.
    uint64_t slow = uint64_t(10) << 32; // 10 ns a tick
    EXPECT_EQ(vdso::ticks_to_ns(uint64_t(1) << 36, slow, 32), (int64_t(1) << 36) * 10);
    TimeData data {};
    data.tsc_base = 1000;
    data.monotonic_base = 5'000'000'000;
    data.multiplier = uint64_t(1) << 32;
    data.shift = 32;
    EXPECT_EQ(vdso::monotonic_at(data, 1500), 5'000'000'500);
}

TEST(VdsoCalibration, MeasuresTheRate)
{
    ClockSample first { 1'000'000, 100, 0 };
    ClockSample now { 1'000'000 + 3'000'000'000ull, 100 + 1'000'000'000, 0 }; // 3 GHz
    uint64_t multiplier = vdso::measure_multiplier(first, now);
    EXPECT_NEAR(double(multiplier) / double(uint64_t(1) << 32), 1.0 / 3.0, 1e-9);
}

// A host whose clock runs at `ns_per_tick` (and drifts by `drift_ppm` part-way), sampled
// with up to `noise_ns` of error, read the way the kernel does: re-anchor when stale.
struct Simulation {
    double ns_per_tick;
    double noise_ns;
    double drift_ppm = 0;
    std::mt19937_64 random { 42 };
    uint64_t tsc = 7'000'000'000;
    double host_ns = 1e12;

    void advance(uint64_t ticks)
    {
        tsc += ticks;
        host_ns += ticks * ns_per_tick * (1 + drift_ppm * 1e-6);
    }
    ClockSample sample()
    {
        std::uniform_real_distribution<double> error(-noise_ns, noise_ns);
        return { tsc, int64_t(host_ns + error(random)), 1'700'000'000'000'000'000 };
    }
};

void run(Simulation& host, int64_t seconds, int64_t step_ns, double& worst_error, bool& monotonic)
{
    ClockSample first = host.sample();
    host.advance(uint64_t(2'000'000 / host.ns_per_tick)); // boot: 2 ms
    TimeData data {};
    vdso::anchor(data, first, host.sample());
    int64_t last = INT64_MIN;
    worst_error = 0;
    monotonic = true;
    double drift_ppm = host.drift_ppm;
    host.drift_ppm = 0;
    for (int64_t t = 0; t < seconds * 1'000'000'000; t += step_ns) {
        if (t >= seconds * 1'000'000'000 / 2)
            host.drift_ppm = drift_ppm; // the host's rate changes half-way
        host.advance(uint64_t(step_ns / host.ns_per_tick));
        if (host.tsc - data.tsc_base >= data.tsc_limit)
            vdso::anchor(data, first, host.sample());
        int64_t value = vdso::monotonic_at(data, host.tsc);
        monotonic = monotonic && value >= last;
        last = value;
        worst_error = std::max(worst_error, std::abs(double(value) - host.host_ns));
    }
}

TEST(VdsoCalibration, FollowsTheHostClockForMinutes)
{
    Simulation host { 1.0 / 2.9, 200.0 };
    double worst;
    bool monotonic;
    run(host, 300, 700'000, worst, monotonic);
    EXPECT_TRUE(monotonic);
    EXPECT_LT(worst, 5'000.0) << "worst " << worst; // well under 1 ms
}

TEST(VdsoCalibration, SlewsAwayADriftWithoutGoingBack)
{
    // Half-way, the host's clock starts running 50 ppm fast (NTP at work): the measured rate
    // lags behind, and re-anchoring slews the difference away.
    Simulation host { 1.0 / 3.3, 100.0, 50.0 };
    double worst;
    bool monotonic;
    run(host, 120, 1'300'000, worst, monotonic);
    EXPECT_TRUE(monotonic);
    EXPECT_LT(worst, 100'000.0) << "worst " << worst; // 1 s at 50 ppm, then corrected
}

TEST(VdsoCalibration, RealtimeOffsetMovesOnlyOnASteps)
{
    TimeData data {};
    ClockSample first { 0, 0, 1000 };
    vdso::anchor(data, first, { 3'000'000, 1'000'000, 1000 });
    EXPECT_EQ(data.realtime_offset, 1000);
    vdso::anchor(data, first, { 6'000'000, 2'000'000, 1400 }); // sampling noise
    EXPECT_EQ(data.realtime_offset, 1000);
    vdso::anchor(data, first, { 9'000'000, 3'000'000, 5'000'000'000 }); // settimeofday on the host
    EXPECT_EQ(data.realtime_offset, 5'000'000'000);
}

} // namespace
