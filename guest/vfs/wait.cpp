// The state change notification seam (see vfs/wait.h).
#include <vfs/wait.h>

namespace vfs {

namespace {

StateChangeListener g_listener;

} // namespace

void set_state_change_listener(StateChangeListener listener) { g_listener = listener; }

void notify_state_change()
{
    if (g_listener)
        g_listener();
}

} // namespace vfs
