// cxx_threads: the C++ runtime on threads: std::thread, exceptions thrown and caught inside
// threads and carried between them (std::exception_ptr, std::async), thread_local objects
// with constructors and destructors, std::mutex and std::condition_variable. Deterministic
// output only.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<int> constructed { 0 }, destroyed { 0 };

struct PerThread {
    PerThread() { ++constructed; }
    ~PerThread() { ++destroyed; }
    long value = 0;
};

thread_local PerThread per_thread;
thread_local int counter = 100;

int parse_or_throw(int value)
{
    if (value % 7 == 0)
        throw std::invalid_argument("multiple of seven: " + std::to_string(value));
    return value;
}

void exceptions_inside_threads()
{
    std::vector<std::thread> threads;
    std::vector<int> caught(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &caught] {
            for (int i = 1; i <= 700; ++i) {
                try {
                    parse_or_throw(i + t);
                } catch (const std::invalid_argument&) {
                    ++caught[t];
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    std::printf("exceptions caught per thread: %d %d %d %d\n", caught[0], caught[1], caught[2], caught[3]);
}

void exception_carried_between_threads()
{
    std::exception_ptr carried;
    std::thread thread([&carried] {
        try {
            throw std::runtime_error("thrown in a worker");
        } catch (...) {
            carried = std::current_exception();
        }
    });
    thread.join();
    try {
        std::rethrow_exception(carried);
    } catch (const std::runtime_error& error) {
        std::printf("rethrown in main: %s\n", error.what());
    }
    auto future = std::async(std::launch::async, [] { return parse_or_throw(14); });
    try {
        future.get();
    } catch (const std::invalid_argument& error) {
        std::printf("from std::async: %s\n", error.what());
    }
}

void thread_locals()
{
    std::vector<std::thread> threads;
    std::vector<long> results(6);
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([t, &results] {
            for (int i = 0; i <= t * 10; ++i) {
                per_thread.value += i;
                ++counter;
            }
            results[t] = per_thread.value * 1000 + counter;
        });
    }
    for (auto& thread : threads)
        thread.join();
    std::printf("thread_local results:");
    for (long result : results)
        std::printf(" %ld", result);
    std::printf("\nmain's counter untouched: %d\n", counter);
    std::printf("thread_local objects destroyed with their threads: %s\n", destroyed.load() == 6 && constructed.load() == 6 ? "yes" : "no");
}

void condition_variables()
{
    std::mutex mutex;
    std::condition_variable ready;
    std::vector<int> queue;
    bool done = false;
    long sum = 0;
    std::thread consumer([&] {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            ready.wait(lock, [&] { return !queue.empty() || done; });
            for (int value : queue)
                sum += value;
            queue.clear();
            if (done)
                return;
        }
    });
    for (int i = 1; i <= 5000; ++i) {
        std::lock_guard<std::mutex> lock(mutex);
        queue.push_back(i);
        ready.notify_one();
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
    }
    ready.notify_one();
    consumer.join();
    std::printf("condition_variable sum: %ld\n", sum);
}

} // namespace

int main()
{
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    exceptions_inside_threads();
    exception_carried_between_threads();
    thread_locals();
    condition_variables();
    std::printf("hardware_concurrency is at least 1: %s\n", std::thread::hardware_concurrency() >= 1 ? "yes" : "no");
    return 0;
}
