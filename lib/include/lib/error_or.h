// ErrorOr<T>: a value or an errno, for code that cannot throw (the guest kernel) and code that
// chooses not to. Handlers `return ENOENT;` and callers propagate with TRY(...).
#pragma once

#include <lib/new.h>

namespace lib {

// An errno value (positive), as Linux numbers them. Named constants (ENOENT, ...) live in
// <lib/errno_codes.h>; the constructor is explicit so that `return 0;` can never become an error.
struct Error {
    int code;
    constexpr explicit Error(int errno_value) : code(errno_value) {}
    friend constexpr bool operator==(Error error, int errno_value) { return error.code == errno_value; }
};

template<typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(T value) : m_is_error(false) { new (&m_storage.value) T(static_cast<T&&>(value)); }
    ErrorOr(Error error) : m_is_error(true) { m_storage.error = error.code; }
    ErrorOr(ErrorOr&& other) : m_is_error(other.m_is_error)
    {
        if (m_is_error)
            m_storage.error = other.m_storage.error;
        else
            new (&m_storage.value) T(static_cast<T&&>(other.m_storage.value));
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ~ErrorOr()
    {
        if (!m_is_error)
            m_storage.value.~T();
    }

    bool is_error() const { return m_is_error; }
    int error() const { return m_storage.error; }
    T& value() { return m_storage.value; }
    const T& value() const { return m_storage.value; }
    T release_value() { return static_cast<T&&>(m_storage.value); }

private:
    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        int error;
    } m_storage;
    bool m_is_error;
};

template<>
class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() : m_error(0) {}
    ErrorOr(Error error) : m_error(error.code) {}
    bool is_error() const { return m_error != 0; }
    int error() const { return m_error; }
    void release_value() {}

private:
    int m_error;
};

} // namespace lib

// Evaluates an ErrorOr expression; returns its error from the enclosing function, or yields
// its value.
#define TRY(expression)                                      \
    ({                                                       \
        auto _try_result = (expression);                     \
        if (_try_result.is_error())                          \
            return ::lib::Error(_try_result.error());        \
        _try_result.release_value();                         \
    })
