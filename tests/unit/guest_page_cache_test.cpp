// The page cache, built for the host: lookups, LRU eviction, forgetting an owner, and a long
// random run checked against a model (std::map) of what must be cached.
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <list>
#include <map>
#include <random>
#include <vfs/page_cache.h>

namespace {

int g_pages;

void* allocate_page(uint64_t count)
{
    g_pages += static_cast<int>(count);
    return std::aligned_alloc(4096, count * 4096);
}

void free_page(void* page, uint64_t count)
{
    g_pages -= static_cast<int>(count);
    std::free(page);
}

vfs::PageCache make_cache(size_t pages)
{
    vfs::PageCache cache;
    cache.initialize({ allocate_page, free_page }, pages);
    return cache;
}

const int OWNER_A = 1, OWNER_B = 2;

TEST(PageCache, FindsWhatWasInserted)
{
    g_pages = 0;
    auto cache = make_cache(8);
    EXPECT_EQ(cache.find(&OWNER_A, 0), nullptr);
    uint8_t* page = cache.insert(&OWNER_A, 0);
    ASSERT_NE(page, nullptr);
    std::memset(page, 'a', 4096);
    std::memset(cache.insert(&OWNER_B, 0), 'b', 4096);
    EXPECT_EQ(cache.find(&OWNER_A, 0)[4095], 'a');
    EXPECT_EQ(cache.find(&OWNER_B, 0)[0], 'b');
    EXPECT_EQ(cache.find(&OWNER_A, 1), nullptr);
    EXPECT_EQ(cache.page_count(), 2u);
    EXPECT_EQ(cache.hits(), 2u);
    EXPECT_EQ(g_pages, 2);
}

TEST(PageCache, EvictsTheLeastRecentlyUsed)
{
    auto cache = make_cache(3);
    for (uint64_t i = 0; i < 3; ++i)
        cache.insert(&OWNER_A, i);
    ASSERT_NE(cache.find(&OWNER_A, 0), nullptr); // 0 is now the most recent
    cache.insert(&OWNER_A, 3);                   // evicts 1
    EXPECT_NE(cache.find(&OWNER_A, 0), nullptr);
    EXPECT_EQ(cache.find(&OWNER_A, 1), nullptr);
    EXPECT_NE(cache.find(&OWNER_A, 2), nullptr);
    EXPECT_NE(cache.find(&OWNER_A, 3), nullptr);
    EXPECT_EQ(cache.page_count(), 3u);
}

TEST(PageCache, ForgetsAnOwnerAndGivesItsPagesBack)
{
    g_pages = 0;
    auto cache = make_cache(64);
    for (uint64_t i = 0; i < 20; ++i) {
        cache.insert(&OWNER_A, i);
        cache.insert(&OWNER_B, i);
    }
    cache.forget(&OWNER_A);
    EXPECT_EQ(cache.page_count(), 20u);
    EXPECT_EQ(g_pages, 20);
    for (uint64_t i = 0; i < 20; ++i) {
        EXPECT_EQ(cache.find(&OWNER_A, i), nullptr);
        EXPECT_NE(cache.find(&OWNER_B, i), nullptr) << i;
    }
}

TEST(PageCache, AgreesWithAModelOverARandomRun)
{
    g_pages = 0;
    constexpr size_t CAPACITY = 50;
    auto cache = make_cache(CAPACITY);
    int owners[4];
    std::list<std::pair<const void*, uint64_t>> lru; // front = newest
    std::map<std::pair<const void*, uint64_t>, uint8_t> contents;
    std::mt19937 random(7);
    auto touch = [&](std::pair<const void*, uint64_t> key) {
        lru.remove(key);
        lru.push_front(key);
    };
    for (int step = 0; step < 20000; ++step) {
        const void* owner = &owners[random() % 4];
        uint64_t index = random() % 40;
        auto key = std::make_pair(owner, index);
        int operation = random() % 10;
        if (operation < 5) {
            const uint8_t* page = cache.find(owner, index);
            ASSERT_EQ(page != nullptr, contents.count(key) == 1) << step;
            if (page) {
                ASSERT_EQ(page[100], contents[key]) << step;
                touch(key);
            }
        } else if (operation < 9) {
            if (contents.count(key))
                continue;
            if (contents.size() == CAPACITY) {
                contents.erase(lru.back());
                lru.pop_back();
            }
            uint8_t* page = cache.insert(owner, index);
            ASSERT_NE(page, nullptr);
            page[100] = static_cast<uint8_t>(step);
            contents[key] = static_cast<uint8_t>(step);
            touch(key);
        } else {
            cache.forget(owner);
            for (auto it = contents.begin(); it != contents.end();) {
                if (it->first.first == owner) {
                    lru.remove(it->first);
                    it = contents.erase(it);
                } else {
                    ++it;
                }
            }
        }
        ASSERT_EQ(cache.page_count(), contents.size()) << step;
        ASSERT_EQ(g_pages, static_cast<int>(contents.size())) << step;
    }
}

} // namespace
