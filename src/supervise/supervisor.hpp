#pragma once
// Supervise mode: dbinit stays PID 1 (or a child subreaper) as a small init,
// and everything else (wait, migrate, hand-off to COMMAND) runs in a forked
// child.
//
// The fork comes first, before dbinit opens a connection or starts the
// logging core, so the process that stays resident has touched none of it:
// it forwards signals, reaps zombies, and exits with COMMAND's exit code.
// This library links neither libpq nor Boost.Log (CMakeLists.txt checks it);
// its few log lines go through core/log_format.hpp straight to stderr.
#include <optional>

#include "core/log_format.hpp"
#include "supervise/settings.hpp"

namespace dbinit {

// Call right after option parsing; hands_off: the run ends by starting
// COMMAND. Returns nullopt when dbinit should go on with its phases (exec
// mode, a subcommand, or in the forked child, whose signal state is then the
// one dbinit was started with); otherwise this is the supervisor and the
// value is its exit code.
std::optional<int> supervise_if_needed(const SuperviseSettings& settings, log::LogSettings log_settings,
                                       bool hands_off);

}  // namespace dbinit
