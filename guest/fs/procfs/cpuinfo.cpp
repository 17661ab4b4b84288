// /proc/cpuinfo for the one virtual CPU, from cpuid, with Linux's names for the feature flags.
#include "procfs_nodes.h"

#include <hv/hypercall.h>

namespace fs {

namespace {

struct CpuidResult {
    uint32_t registers[4]; // eax, ebx, ecx, edx
};

enum Register { Eax = 0, Ebx = 1, Ecx = 2, Edx = 3 };

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.registers[0]), "=b"(r.registers[1]), "=c"(r.registers[2]), "=d"(r.registers[3]) : "a"(leaf), "c"(subleaf));
    return r;
}

// Linux's flag names (arch/x86/include/asm/cpufeatures.h), one array per cpuid register,
// by bit; null for bits Linux does not name or hides.
constexpr const char* LEAF_1_EDX[32] = { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", nullptr,
    "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", nullptr, "dts", "acpi", "mmx", "fxsr", "sse",
    "sse2", "ss", "ht", "tm", "ia64", "pbe" };
constexpr const char* EXTENDED_1_EDX[32] = { nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, "syscall", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "mp", "nx",
    nullptr, "mmxext", nullptr, nullptr, "fxsr_opt", "pdpe1gb", "rdtscp", nullptr, "lm", "3dnowext", "3dnow" };
constexpr const char* LEAF_1_ECX[32] = { "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
    "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", nullptr, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe",
    "popcnt", "tsc_deadline_timer", "aes", "xsave", nullptr, "avx", "f16c", "rdrand", "hypervisor" };
constexpr const char* EXTENDED_1_ECX[32] = { "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a",
    "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", nullptr, "lwp", "fma4", "tce", nullptr,
    "nodeid_msr", nullptr, "tbm", "topoext", "perfctr_core", "perfctr_nb", nullptr, "bpext", "ptsc", "perfctr_llc",
    "mwaitx", nullptr, nullptr };
constexpr const char* LEAF_7_EBX[32] = { "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", nullptr, "smep", "bmi2",
    "erms", "invpcid", "rtm", "cqm", nullptr, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap",
    "avx512ifma", nullptr, "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw",
    "avx512vl" };
constexpr const char* LEAF_D_1_EAX[32] = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" };
constexpr const char* LEAF_7_1_EAX[32] = { nullptr, nullptr, nullptr, nullptr, "avx_vnni", "avx512_bf16" };
constexpr const char* LEAF_7_ECX[32] = { nullptr, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2",
    nullptr, "gfni", "vaes", "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme", "avx512_vpopcntdq", nullptr, "la57",
    nullptr, nullptr, nullptr, nullptr, nullptr, "rdpid", nullptr, "bus_lock_detect", "cldemote", nullptr, "movdiri",
    "movdir64b", "enqcmd", "sgx_lc", nullptr };
constexpr const char* LEAF_7_EDX[32] = { nullptr, nullptr, "avx512_4vnniw", "avx512_4fmaps", "fsrm", nullptr, nullptr,
    nullptr, "avx512_vp2intersect", nullptr, "md_clear", nullptr, nullptr, nullptr, "serialize", nullptr, "tsxldtrk",
    nullptr, "pconfig", "arch_lbr", nullptr, nullptr, "amx_bf16", "avx512_fp16", "amx_tile", "amx_int8", nullptr,
    nullptr, "flush_l1d", "arch_capabilities", nullptr, nullptr };

struct FlagWord {
    uint32_t leaf;
    uint32_t subleaf;
    Register reg;
    const char* const* names;
};

// In the order Linux prints them (its feature-word order).
constexpr FlagWord FLAG_WORDS[] = {
    { 1, 0, Edx, LEAF_1_EDX },
    { 0x80000001, 0, Edx, EXTENDED_1_EDX },
    { 1, 0, Ecx, LEAF_1_ECX },
    { 0x80000001, 0, Ecx, EXTENDED_1_ECX },
    { 7, 0, Ebx, LEAF_7_EBX },
    { 0xd, 1, Eax, LEAF_D_1_EAX },
    { 7, 1, Eax, LEAF_7_1_EAX },
    { 7, 0, Ecx, LEAF_7_ECX },
    { 7, 0, Edx, LEAF_7_EDX },
};

bool leaf_exists(uint32_t leaf, uint32_t max_basic, uint32_t max_extended)
{
    return leaf >= 0x80000000 ? leaf <= max_extended : leaf <= max_basic;
}

// The largest cache in KiB, as Linux's "cache size": cpuid 4 on Intel, else 0x80000006 (L2).
uint32_t cache_kilobytes(bool intel, uint32_t max_basic, uint32_t max_extended)
{
    if (intel && max_basic >= 4) {
        uint32_t best = 0, best_level = 0;
        for (uint32_t index = 0; index < 16; ++index) {
            CpuidResult r = cpuid(4, index);
            uint32_t type = r.registers[Eax] & 0x1f;
            if (type == 0)
                break;
            uint32_t level = (r.registers[Eax] >> 5) & 7;
            uint64_t bytes = uint64_t((r.registers[Ebx] >> 22) + 1) * (((r.registers[Ebx] >> 12) & 0x3ff) + 1)
                * ((r.registers[Ebx] & 0xfff) + 1) * (uint64_t(r.registers[Ecx]) + 1);
            if (type != 2 && level >= best_level) { // not an instruction cache
                best_level = level;
                best = static_cast<uint32_t>(bytes / 1024);
            }
        }
        return best;
    }
    return max_extended >= 0x80000006 ? cpuid(0x80000006).registers[Ecx] >> 16 : 0;
}

} // namespace

lib::ErrorOr<void> generate_cpuinfo(ProcFs&, TextBuffer& out)
{
    CpuidResult basic = cpuid(0);
    uint32_t max_basic = basic.registers[Eax];
    uint32_t max_extended = cpuid(0x80000000).registers[Eax];
    if (max_extended < 0x80000000)
        max_extended = 0;
    char vendor[13];
    for (int i = 0; i < 4; ++i) {
        vendor[i] = static_cast<char>(basic.registers[Ebx] >> (8 * i));
        vendor[4 + i] = static_cast<char>(basic.registers[Edx] >> (8 * i));
        vendor[8 + i] = static_cast<char>(basic.registers[Ecx] >> (8 * i));
    }
    vendor[12] = '\0';

    CpuidResult leaf1 = cpuid(1);
    uint32_t signature = leaf1.registers[Eax];
    uint32_t family = (signature >> 8) & 0xf;
    if (family == 0xf)
        family += (signature >> 20) & 0xff;
    uint32_t model = (signature >> 4) & 0xf;
    if (family >= 6)
        model += ((signature >> 16) & 0xf) << 4;

    char model_name[49] = "unknown";
    if (max_extended >= 0x80000004) {
        for (uint32_t i = 0; i < 3; ++i) {
            CpuidResult r = cpuid(0x80000002 + i);
            for (int j = 0; j < 16; ++j)
                model_name[16 * i + j] = static_cast<char>(r.registers[j / 4] >> (8 * (j % 4)));
        }
        model_name[48] = '\0';
    }
    const char* name = model_name;
    while (*name == ' ')
        ++name;
    size_t name_length = 0;
    while (name[name_length])
        ++name_length;
    while (name_length > 0 && name[name_length - 1] == ' ')
        --name_length;

    uint64_t khz = hv::boot_info().tsc_khz;
    bool intel = lib::StringView(vendor) == "GenuineIntel";
    out.appendf("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %.*s\nstepping\t: %u\n",
        vendor, family, model, static_cast<int>(name_length), name, signature & 0xf);
    out.appendf("cpu MHz\t\t: %lu.%03lu\ncache size\t: %u KB\n", khz / 1000, khz % 1000, cache_kilobytes(intel, max_basic, max_extended));
    out.append("physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\n"
               "fpu\t\t: yes\nfpu_exception\t: yes\n");
    out.appendf("cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:", max_basic);
    for (const FlagWord& word : FLAG_WORDS) {
        if (!leaf_exists(word.leaf, max_basic, max_extended))
            continue;
        uint32_t bits = cpuid(word.leaf, word.subleaf).registers[word.reg];
        for (int bit = 0; bit < 32; ++bit)
            if ((bits >> bit) & 1 && word.names[bit])
                out.appendf(" %s", word.names[bit]);
    }
    uint64_t bogo = khz * 2; // kHz: two loops a cycle, as Linux computes from the TSC
    uint32_t clflush = ((leaf1.registers[Ebx] >> 8) & 0xff) * 8;
    out.appendf("\nbugs\t\t:\nbogomips\t: %lu.%02lu\nclflush size\t: %u\ncache_alignment\t: %u\n", bogo / 1000, (bogo % 1000) / 10, clflush, clflush);
    uint32_t sizes = max_extended >= 0x80000008 ? cpuid(0x80000008).registers[Eax] : 0x3024;
    out.appendf("address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n", sizes & 0xff, (sizes >> 8) & 0xff);
    return {};
}

} // namespace fs
