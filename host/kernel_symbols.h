// KernelSymbols: the guest kernel ELF's .symtab, to name the function a crash address lies in.
#pragma once

#include <optional>
#include <stdint.h>
#include <string>
#include <vector>

namespace host {

class KernelSymbols {
public:
    // Reads the function symbols of an ELF64 file; nullopt when it is not one or has no .symtab.
    static std::optional<KernelSymbols> load(const std::string& path);

    struct Match {
        std::string name; // as stored (mangled for C++)
        uint64_t offset;  // address - symbol value
    };

    // The nearest STT_FUNC/STT_NOTYPE symbol at or below address.
    std::optional<Match> lookup(uint64_t address) const;

    // The value of the first symbol called name.
    std::optional<uint64_t> address_of(const std::string& name) const;

    // "kernel::panic()+0x1f" (demangled), or "unknown".
    std::string describe(uint64_t address) const;

    size_t size() const { return m_symbols.size(); }

private:
    struct Symbol {
        uint64_t address;
        std::string name;
    };
    std::vector<Symbol> m_symbols; // sorted by address
};

} // namespace host
