// The help texts of `unikit`, `unikit run` and `unikit rootfs`.
#pragma once

namespace cli {

extern const char* const MAIN_USAGE;
extern const char* const RUN_USAGE;
extern const char* const ROOTFS_USAGE;

} // namespace cli
