// The Linux x86_64 signal frame (struct rt_sigframe): built on the program's stack when a
// handler runs, read back by rt_sigreturn; and the alternate signal stack it may live on.
// The FPU image is the host's XSAVE image (it is what the platform gives us); what a program
// hands back through rt_sigreturn is sanitized before it goes to the host, whose own
// rt_sigreturn would refuse a bad image and take the whole kernel down.
#include <lib/errno_codes.h>
#include <linux/signals.h>
#include <linux/user_memory.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace linux {

namespace {

struct UserStack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

struct SignalContext {
    kernel::TrapFrame registers; // r8 ... cr2, Linux's struct sigcontext order
    uint64_t fpstate;
    uint64_t reserved[8];
};

struct UserContext {
    uint64_t flags;
    uint64_t link;
    UserStack stack;
    SignalContext machine;
    uint64_t mask;
};

struct UserSignalInfo {
    int32_t signal, error, code, pad;
    uint8_t fields[112]; // the union, from offset 16
};

struct SignalFrame {
    uint64_t return_address; // sa_restorer: the handler's `ret` goes there
    UserContext context;
    UserSignalInfo info;
};
static_assert(sizeof(SignalContext) == 256);
static_assert(sizeof(UserContext) == 304);
static_assert(sizeof(UserSignalInfo) == 128);
static_assert(__builtin_offsetof(SignalFrame, info) == 312);

constexpr uint64_t RED_ZONE = 128;
constexpr uint64_t UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
constexpr uint64_t FLAG_TF = 0x100, FLAG_DF = 0x400, FLAG_RF = 0x10000;
// The flags a program may set through rt_sigreturn: AC OF DF TF SF ZF AF PF CF RF.
constexpr uint64_t RESTORABLE_FLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

// The FXSAVE area, then (with XSAVE) the header and the components; Linux's fpx_sw_bytes sit
// in the FXSAVE area's unused tail and FP_XSTATE_MAGIC2 right after the components.
constexpr size_t FXSAVE_SIZE = 512, SOFTWARE_BYTES = 464, HEADER = 512, HEADER_SIZE = 64;
constexpr size_t FCW = 0, MXCSR = 24, MXCSR_MASK = 28;
constexpr uint32_t FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845;
constexpr uint64_t X87_SSE = 3, PKRU = 1ull << 9;

struct SoftwareBytes {
    uint32_t magic1;
    uint32_t extended_size; // the whole image, MAGIC2 included
    uint64_t features;
    uint32_t xstate_size; // where MAGIC2 sits
};

template<typename T>
T load(const uint8_t* bytes)
{
    T value;
    memcpy(&value, bytes, sizeof(T));
    return value;
}

template<typename T>
void store(uint8_t* bytes, T value) { memcpy(bytes, &value, sizeof(T)); }

bool has_xsave_header(sched::ExtendedState fpu) { return fpu.size >= HEADER + HEADER_SIZE && load<uint32_t>(fpu.data + SOFTWARE_BYTES) == FP_XSTATE_MAGIC1; }

uint32_t mxcsr_mask(sched::ExtendedState fpu)
{
    uint32_t mask = load<uint32_t>(fpu.data + MXCSR_MASK);
    return mask ? mask : 0xffbf;
}

// The state a handler starts with, as on Linux: x87 and SSE at their reset values, the other
// components in their init state.
void reset_fpu(sched::ExtendedState fpu)
{
    if (fpu.size < FXSAVE_SIZE)
        return;
    uint32_t mask = load<uint32_t>(fpu.data + MXCSR_MASK);
    memset(fpu.data, 0, SOFTWARE_BYTES);
    store<uint16_t>(fpu.data + FCW, 0x37f);
    store<uint32_t>(fpu.data + MXCSR, 0x1f80);
    store<uint32_t>(fpu.data + MXCSR_MASK, mask);
    if (has_xsave_header(fpu))
        store<uint64_t>(fpu.data + HEADER, load<uint64_t>(fpu.data + HEADER) & PKRU);
}

// Puts the program's FPU image at `source` into the live one, keeping the host's layout
// (software bytes, MAGIC2) and allowing only what the host's XRSTOR accepts.
bool restore_fpu(UserAddress source, sched::ExtendedState live)
{
    if (live.size < FXSAVE_SIZE)
        return true;
    if (!source) {
        reset_fpu(live);
        return true;
    }
    uint8_t legacy[FXSAVE_SIZE];
    if (copy_from_user(legacy, source, sizeof(legacy)).is_error())
        return false;
    uint32_t host_mask = load<uint32_t>(live.data + MXCSR_MASK);
    memcpy(live.data, legacy, SOFTWARE_BYTES);
    store<uint32_t>(live.data + MXCSR_MASK, host_mask);
    store<uint32_t>(live.data + MXCSR, load<uint32_t>(legacy + MXCSR) & mxcsr_mask(live));
    if (!has_xsave_header(live))
        return true;
    auto host = load<SoftwareBytes>(live.data + SOFTWARE_BYTES);
    auto user = load<SoftwareBytes>(legacy + SOFTWARE_BYTES);
    uint64_t features = X87_SSE;
    bool full = user.magic1 == FP_XSTATE_MAGIC1 && user.extended_size == host.extended_size && user.xstate_size == host.xstate_size
        && host.xstate_size + sizeof(uint32_t) <= live.size;
    if (full) {
        auto magic2 = read_user<uint32_t>(source + user.xstate_size);
        full = !magic2.is_error() && magic2.value() == FP_XSTATE_MAGIC2;
    }
    if (full) {
        if (copy_from_user(live.data + HEADER, source + HEADER, host.xstate_size - HEADER).is_error())
            return false;
        features = user.features;
    } else {
        // An FXSAVE-only image (as Linux: x87 and SSE from it, the rest in its init state).
        memset(live.data + HEADER, 0, HEADER_SIZE);
        store<uint64_t>(live.data + HEADER, X87_SSE);
    }
    uint64_t present = load<uint64_t>(live.data + HEADER) & features & host.features;
    memset(live.data + HEADER, 0, HEADER_SIZE); // XCOMP_BV and the reserved bytes must be zero
    store<uint64_t>(live.data + HEADER, present);
    return true;
}

bool on_alternate_stack(const Thread& thread, uint64_t sp)
{
    return sp > thread.alternate_stack[0] && sp - thread.alternate_stack[0] <= thread.alternate_stack[2];
}

void fill_info(UserSignalInfo& out, const SignalInfo& info)
{
    out.signal = info.signal;
    out.error = info.error;
    out.code = info.code;
    bool fault = info.signal == SIGSEGV || info.signal == SIGBUS || info.signal == SIGILL || info.signal == SIGFPE || info.signal == SIGTRAP;
    if (fault && info.code > 0) {
        store<uint64_t>(out.fields, info.address); // si_addr
    } else {
        store<int32_t>(out.fields, info.pid);          // si_pid (or si_tid of a timer)
        store<int32_t>(out.fields + 4, 0);             // si_uid (or si_overrun)
        store<uint64_t>(out.fields + 8, info.address); // si_value
    }
}

} // namespace

void reset_extended_state(sched::ExtendedState fpu) { reset_fpu(fpu); }

lib::ErrorOr<void> write_signal_info(UserAddress destination, const SignalInfo& info)
{
    UserSignalInfo out {};
    fill_info(out, info);
    return copy_to_user(destination, &out, sizeof(out));
}

int alternate_stack_flags(const Thread& thread, uint64_t sp)
{
    if (!thread.alternate_stack[2])
        return SS_DISABLE;
    return on_alternate_stack(thread, sp) ? SS_ONSTACK : 0;
}

lib::ErrorOr<void> set_alternate_stack(Thread& thread, const uint64_t wanted[3], uint64_t sp)
{
    bool autodisarm = thread.alternate_stack[1] & SS_AUTODISARM;
    if (thread.alternate_stack[2] && !autodisarm && on_alternate_stack(thread, sp))
        return EPERM;
    uint32_t flags = static_cast<uint32_t>(wanted[1]);
    uint32_t mode = flags & ~SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return EINVAL;
    if (mode == SS_DISABLE) {
        thread.alternate_stack[0] = thread.alternate_stack[2] = 0;
        thread.alternate_stack[1] = SS_DISABLE;
        return {};
    }
    if (wanted[2] < 2048) // MINSIGSTKSZ
        return ENOMEM;
    thread.alternate_stack[0] = wanted[0];
    thread.alternate_stack[1] = flags & SS_AUTODISARM;
    thread.alternate_stack[2] = wanted[2];
    return {};
}

bool push_signal_frame(Thread& thread, kernel::TrapFrame& frame, sched::ExtendedState fpu, const SignalInfo& info, const SignalAction& action, uint64_t old_mask)
{
    // x86_64 handlers return through sa_restorer; Linux refuses a handler without one.
    if (!(action.flags & SA_RESTORER))
        return false;
    uint64_t sp = frame.rsp - RED_ZONE;
    bool nested = alternate_stack_flags(thread, sp) == SS_ONSTACK;
    bool entering = false;
    if ((action.flags & SA_ONSTACK) && alternate_stack_flags(thread, sp) == 0) {
        sp = thread.alternate_stack[0] + thread.alternate_stack[2];
        entering = true;
    }
    uint64_t fpstate = 0;
    if (fpu.size) {
        sp = (sp - fpu.size) & ~63ull;
        fpstate = sp;
    }
    sp = ((sp - sizeof(SignalFrame)) & ~15ull) - 8; // as if `call` had pushed the return address
    if ((nested || entering) && !on_alternate_stack(thread, sp))
        return false; // the alternate stack overflowed

    SignalFrame out {};
    out.return_address = action.restorer;
    out.context.flags = (has_xsave_header(fpu) ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    out.context.stack = { thread.alternate_stack[0], alternate_stack_flags(thread, frame.rsp), 0, thread.alternate_stack[2] };
    out.context.machine.registers = frame;
    out.context.machine.registers.oldmask = old_mask;
    out.context.machine.fpstate = fpstate;
    out.context.mask = old_mask;
    fill_info(out.info, info);
    if (copy_to_user(sp, &out, sizeof(out)).is_error())
        return false;
    if (fpstate && copy_to_user(fpstate, fpu.data, fpu.size).is_error())
        return false;
    if (entering && (thread.alternate_stack[1] & SS_AUTODISARM)) {
        thread.alternate_stack[0] = thread.alternate_stack[2] = 0;
        thread.alternate_stack[1] = SS_DISABLE;
    }

    reset_fpu(fpu);
    frame.rdi = static_cast<uint64_t>(info.signal);
    frame.rsi = sp + __builtin_offsetof(SignalFrame, info);
    frame.rdx = sp + __builtin_offsetof(SignalFrame, context);
    frame.rax = 0;
    frame.rip = action.handler;
    frame.rsp = sp;
    frame.rflags &= ~(FLAG_DF | FLAG_RF | FLAG_TF);
    return true;
}

bool pop_signal_frame(Thread& thread, kernel::TrapFrame& frame, sched::ExtendedState fpu)
{
    // The handler's `ret` popped the return address: the frame starts 8 bytes below.
    UserAddress context_address = frame.rsp - 8 + __builtin_offsetof(SignalFrame, context);
    UserContext context;
    if (copy_from_user(&context, context_address, sizeof(context)).is_error())
        return false;
    uint64_t sp = frame.rsp;
    const kernel::TrapFrame& saved = context.machine.registers;
    uint64_t rflags = (frame.rflags & ~RESTORABLE_FLAGS) | (saved.rflags & RESTORABLE_FLAGS);
    uint64_t segments = frame.cs_gs_fs;
    frame.r8 = saved.r8, frame.r9 = saved.r9, frame.r10 = saved.r10, frame.r11 = saved.r11;
    frame.r12 = saved.r12, frame.r13 = saved.r13, frame.r14 = saved.r14, frame.r15 = saved.r15;
    frame.rdi = saved.rdi, frame.rsi = saved.rsi, frame.rbp = saved.rbp, frame.rbx = saved.rbx;
    frame.rdx = saved.rdx, frame.rax = saved.rax, frame.rcx = saved.rcx, frame.rsp = saved.rsp;
    frame.rip = saved.rip;
    frame.rflags = rflags;
    frame.cs_gs_fs = segments;
    thread.signal_mask = context.mask & ~UNBLOCKABLE;
    // As Linux: a stack the program cannot switch to now (it is still on it) is left alone.
    uint64_t stack[3] = { context.stack.sp, static_cast<uint32_t>(context.stack.flags), context.stack.size };
    (void)set_alternate_stack(thread, stack, sp);
    return restore_fpu(context.machine.fpstate, fpu);
}

} // namespace linux
