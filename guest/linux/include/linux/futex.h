// Futexes: threads waiting on a word of user memory, keyed by its address.
#pragma once

#include <linux/user_memory.h>
#include <stddef.h>

namespace linux {

// Wakes up to `count` threads waiting on `address` (any bitset); returns how many woke.
size_t futex_wake(UserAddress address, size_t count);

} // namespace linux
