// Signal generation and delivery (see linux/signals.h).
// FIXME: handlers are not run yet: a signal takes its default action or is ignored.
#include <linux/signals.h>

namespace linux {

void send_signal(Process&, const SignalInfo& info) { raise_signal(info.signal); }
void send_signal(Thread&, const SignalInfo& info) { raise_signal(info.signal); }

void deliver_fault(const kernel::Fault& fault, kernel::TrapFrame& frame) { kill_program(fault.signal, fault.address, frame.rip); }

} // namespace linux
