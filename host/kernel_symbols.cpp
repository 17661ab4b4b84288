// KernelSymbols: a small ELF64 .symtab reader (no libelf), bounds-checked against the file.
#include "host/kernel_symbols.h"

#include <algorithm>
#include <cxxabi.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace host {

// Reads [offset, offset + length) of fd, or nothing if the file is shorter.
static std::optional<std::string> read_range(int fd, uint64_t file_size, uint64_t offset, uint64_t length)
{
    if (offset > file_size || length > file_size - offset || length > (256u << 20))
        return std::nullopt;
    std::string data(length, '\0');
    size_t done = 0;
    while (done < length) {
        ssize_t got = pread(fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
        if (got <= 0)
            return std::nullopt;
        done += static_cast<size_t>(got);
    }
    return data;
}

std::optional<KernelSymbols> KernelSymbols::load(const std::string& path)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat status {};
    std::optional<std::string> header, sections, symbols, names;
    if (fstat(fd, &status) == 0)
        header = read_range(fd, status.st_size, 0, sizeof(Elf64_Ehdr));
    Elf64_Ehdr elf {};
    if (header) {
        memcpy(&elf, header->data(), sizeof(elf));
        bool valid = memcmp(elf.e_ident, ELFMAG, SELFMAG) == 0 && elf.e_ident[EI_CLASS] == ELFCLASS64
            && elf.e_shentsize == sizeof(Elf64_Shdr);
        if (valid)
            sections = read_range(fd, status.st_size, elf.e_shoff, uint64_t(elf.e_shnum) * sizeof(Elf64_Shdr));
    }
    if (sections) {
        auto section = [&](size_t index) {
            Elf64_Shdr header {};
            memcpy(&header, sections->data() + index * sizeof(Elf64_Shdr), sizeof(header));
            return header;
        };
        for (size_t index = 0; index < elf.e_shnum && !symbols; ++index) {
            Elf64_Shdr symtab = section(index);
            if (symtab.sh_type != SHT_SYMTAB || symtab.sh_link >= elf.e_shnum)
                continue;
            Elf64_Shdr strtab = section(symtab.sh_link);
            symbols = read_range(fd, status.st_size, symtab.sh_offset, symtab.sh_size);
            names = read_range(fd, status.st_size, strtab.sh_offset, strtab.sh_size);
        }
    }
    close(fd);
    if (!symbols || !names)
        return std::nullopt;

    KernelSymbols result;
    size_t count = symbols->size() / sizeof(Elf64_Sym);
    for (size_t index = 0; index < count; ++index) {
        Elf64_Sym symbol {};
        memcpy(&symbol, symbols->data() + index * sizeof(Elf64_Sym), sizeof(symbol));
        int type = ELF64_ST_TYPE(symbol.st_info);
        if ((type != STT_FUNC && type != STT_NOTYPE) || symbol.st_shndx == SHN_UNDEF)
            continue;
        if (symbol.st_name == 0 || symbol.st_name >= names->size())
            continue;
        // strnlen: the string table's last string might not be terminated.
        char const* name = names->data() + symbol.st_name;
        result.m_symbols.push_back({ symbol.st_value, std::string(name, strnlen(name, names->size() - symbol.st_name)) });
    }
    std::stable_sort(result.m_symbols.begin(), result.m_symbols.end(),
        [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
    return result;
}

std::optional<KernelSymbols::Match> KernelSymbols::lookup(uint64_t address) const
{
    auto after = std::upper_bound(m_symbols.begin(), m_symbols.end(), address,
        [](uint64_t value, const Symbol& symbol) { return value < symbol.address; });
    if (after == m_symbols.begin())
        return std::nullopt;
    auto const& symbol = *(after - 1);
    return Match { symbol.name, address - symbol.address };
}

std::optional<uint64_t> KernelSymbols::address_of(const std::string& name) const
{
    for (auto const& symbol : m_symbols) {
        if (symbol.name == name)
            return symbol.address;
    }
    return std::nullopt;
}

std::string KernelSymbols::describe(uint64_t address) const
{
    auto match = lookup(address);
    if (!match)
        return "unknown";
    std::string name = match->name;
    int status = 0;
    if (char* demangled = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status)) {
        name = demangled;
        free(demangled);
    }
    char offset[24];
    snprintf(offset, sizeof(offset), "+0x%llx", static_cast<unsigned long long>(match->offset));
    return name + offset;
}

} // namespace host
