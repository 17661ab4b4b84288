// Intrusive reference counting: RefCounted<T> as a base, RefPtr<T> to hold one. The object
// is destroyed (lib::destroy) when the last RefPtr goes. Not thread-safe yet (FIXME: SMP).
#pragma once

#include <lib/allocator.h>
#include <stddef.h>
#include <stdint.h>

namespace lib {

class RefCountedBase {
public:
    void ref() const { ++m_references; }
    // True when this was the last reference.
    bool unref() const { return --m_references == 0; }
    uint32_t reference_count() const { return m_references; }

protected:
    RefCountedBase() = default;
    RefCountedBase(const RefCountedBase&) = delete;
    RefCountedBase& operator=(const RefCountedBase&) = delete;

private:
    mutable uint32_t m_references { 0 };
};

template<typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    RefPtr(T* object) : m_object(object)
    {
        if (m_object)
            m_object->ref();
    }
    RefPtr(const RefPtr& other) : RefPtr(other.m_object) {}
    RefPtr(RefPtr&& other) : m_object(other.m_object) { other.m_object = nullptr; }
    template<typename U>
    RefPtr(const RefPtr<U>& other) : RefPtr(static_cast<T*>(other.ptr())) {}
    template<typename U>
    RefPtr(RefPtr<U>&& other) : m_object(static_cast<T*>(other.leak())) {}
    ~RefPtr() { clear(); }

    RefPtr& operator=(const RefPtr& other)
    {
        if (this != &other) {
            RefPtr copy(other);
            swap(copy);
        }
        return *this;
    }
    RefPtr& operator=(RefPtr&& other)
    {
        if (this != &other) {
            clear();
            m_object = other.m_object;
            other.m_object = nullptr;
        }
        return *this;
    }

    void clear()
    {
        if (m_object && m_object->unref()) {
            // The object may be deleted through a base class with a virtual destructor.
            lib::destroy(m_object);
        }
        m_object = nullptr;
    }
    T* leak()
    {
        T* object = m_object;
        m_object = nullptr;
        return object;
    }
    void swap(RefPtr& other)
    {
        T* object = m_object;
        m_object = other.m_object;
        other.m_object = object;
    }

    T* ptr() const { return m_object; }
    T* operator->() const { return m_object; }
    T& operator*() const { return *m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    bool operator==(const RefPtr& other) const { return m_object == other.m_object; }
    bool operator==(const T* other) const { return m_object == other; }

private:
    T* m_object { nullptr };
};

// Allocates a T and returns the first reference to it, or a null RefPtr when out of memory.
template<typename T, typename... Args>
RefPtr<T> make_ref(Args&&... args)
{
    return RefPtr<T>(lib::make<T>(static_cast<Args&&>(args)...));
}

} // namespace lib
