// The kernel's random generator behind /dev/random and /dev/urandom: ChaCha20 with fast key
// erasure, keyed from the boot seed and rekeyed with host randomness every so often.
#include <abi/boot_info.h>
#include <fs/devfs.h>
#include <hv/hypercall.h>
#include <platform/platform.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace fs {

namespace {

constexpr size_t BLOCK_BYTES = 64;
constexpr size_t KEY_WORDS = 8;
constexpr uint64_t RESEED_BYTES = 1 << 20;                 // host randomness at least every MiB
constexpr int64_t RESEED_INTERVAL_NS = 60ll * 1000000000; // and every minute of use

struct Generator {
    uint32_t key[KEY_WORDS];
    uint64_t counter;
    uint64_t bytes_since_reseed;
    int64_t reseeded_at_ns;
    bool keyed;
};

Generator g_generator;

constexpr uint32_t rotate_left(uint32_t value, int bits) { return (value << bits) | (value >> (32 - bits)); }

void quarter_round(uint32_t* x, int a, int b, int c, int d)
{
    x[a] += x[b]; x[d] = rotate_left(x[d] ^ x[a], 16);
    x[c] += x[d]; x[b] = rotate_left(x[b] ^ x[c], 12);
    x[a] += x[b]; x[d] = rotate_left(x[d] ^ x[a], 8);
    x[c] += x[d]; x[b] = rotate_left(x[b] ^ x[c], 7);
}

// One 64-byte ChaCha20 block (RFC 8439 with a 64-bit counter and a zero nonce).
void chacha20_block(const uint32_t (&key)[KEY_WORDS], uint64_t counter, uint32_t (&out)[16])
{
    uint32_t state[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }; // "expand 32-byte k"
    for (size_t i = 0; i < KEY_WORDS; ++i)
        state[4 + i] = key[i];
    state[12] = static_cast<uint32_t>(counter);
    state[13] = static_cast<uint32_t>(counter >> 32);
    uint32_t x[16];
    memcpy(x, state, sizeof(x));
    for (int round = 0; round < 10; ++round) {
        quarter_round(x, 0, 4, 8, 12);
        quarter_round(x, 1, 5, 9, 13);
        quarter_round(x, 2, 6, 10, 14);
        quarter_round(x, 3, 7, 11, 15);
        quarter_round(x, 0, 5, 10, 15);
        quarter_round(x, 1, 6, 11, 12);
        quarter_round(x, 2, 7, 8, 13);
        quarter_round(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i)
        out[i] = x[i] + state[i];
}

// Mixes 32 bytes of host randomness into the key. The Random hypercall stages its answer in
// the bounce buffer, which nobody holds across this call (one thread, no preemption yet).
void reseed(Generator& generator, int64_t now)
{
    uabi::RandomRequest request { uabi::BOUNCE_BUFFER_GPA, sizeof(generator.key) };
    if (!hv::result_of(hv::call(uabi::Hypercall::Random, request)).is_error()) {
        uint32_t fresh[KEY_WORDS];
        // SAFETY: the bounce buffer is guest RAM of BOUNCE_BUFFER_SIZE bytes the monitor just
        // filled; we read the first 32.
        memcpy(fresh, hv::physical(uabi::BOUNCE_BUFFER_GPA), sizeof(fresh));
        for (size_t i = 0; i < KEY_WORDS; ++i)
            generator.key[i] ^= fresh[i];
        memset(fresh, 0, sizeof(fresh));
    }
    // On failure keep the current key (still unpredictable) and try again after the next
    // interval rather than on every read.
    generator.bytes_since_reseed = 0;
    generator.reseeded_at_ns = now;
}

} // namespace

void random_bytes(void* buffer, size_t length)
{
    Generator& generator = g_generator;
    int64_t now = platform::clock_ns(1);
    if (!generator.keyed) {
        memcpy(generator.key, hv::boot_info().random_seed, sizeof(generator.key));
        generator.keyed = true;
        // The boot seed also feeds AT_RANDOM and address randomization: mix in the host's at once.
        generator.bytes_since_reseed = RESEED_BYTES;
    }
    if (generator.bytes_since_reseed >= RESEED_BYTES || now - generator.reseeded_at_ns >= RESEED_INTERVAL_NS)
        reseed(generator, now);

    uint32_t block[16];
    auto* out = static_cast<uint8_t*>(buffer);
    size_t done = 0;
    while (done < length) {
        chacha20_block(generator.key, generator.counter++, block);
        size_t chunk = length - done < BLOCK_BYTES ? length - done : BLOCK_BYTES;
        memcpy(out + done, block, chunk);
        done += chunk;
    }
    // Fast key erasure: the next key comes from a block nobody saw, so this output cannot be
    // recomputed from a later state.
    chacha20_block(generator.key, generator.counter++, block);
    memcpy(generator.key, block, sizeof(generator.key));
    memset(block, 0, sizeof(block));
    generator.bytes_since_reseed += length;
}

} // namespace fs
