#pragma once
// Supervise mode: dbinit stays PID 1 (or a child subreaper) as a small init,
// and everything else (wait, migrate, exec of COMMAND) runs in a forked child.
//
// The fork comes first, before dbinit opens a connection or starts the
// logging core, so the process that stays resident has touched none of it:
// it forwards signals, reaps zombies, and exits with COMMAND's exit code.
#include <optional>

#include "options.hpp"

namespace dbinit {

// Call right after option parsing. Returns nullopt when dbinit should go on
// with its phases (exec mode, a subcommand other than run, or in the forked
// child, whose signal state is then the one dbinit was started with);
// otherwise this is the supervisor and the value is its exit code.
std::optional<int> supervise_if_needed(const Config& config);

}  // namespace dbinit
