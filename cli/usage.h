// The help texts of `unikit` and `unikit run`.
#pragma once

namespace cli {

extern const char* const MAIN_USAGE;
extern const char* const RUN_USAGE;

} // namespace cli
