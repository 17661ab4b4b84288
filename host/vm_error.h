// VmError: a failure of unikit itself (or of the guest kernel) that ends the run with one line.
#pragma once

#include <stdexcept>
#include <string>

namespace host {

// Docker's convention: 125 = unikit failed, 126 = cannot execute, 127 = not found.
inline constexpr int EXIT_UNIKIT_FAILED = 125;

// Thrown while setting a VM up; the CLI prints "unikit: <what>" and exits with exit_status().
class VmError : public std::runtime_error {
public:
    explicit VmError(const std::string& message, int exit_status = EXIT_UNIKIT_FAILED)
        : std::runtime_error(message)
        , m_exit_status(exit_status)
    {
    }

    int exit_status() const { return m_exit_status; }

private:
    int m_exit_status;
};

} // namespace host
