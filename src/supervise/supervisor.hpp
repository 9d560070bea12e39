#pragma once
// Supervise mode: dbinit stays PID 1 (or a child subreaper) as a small init.
// The phases before the hand-off (wait, migrate) run in a forked child; once
// it exits 0, the supervisor starts COMMAND itself and supervises it.
//
// The fork comes first, before dbinit opens a connection or starts the
// logging core, so the process that stays resident has touched none of it:
// it forwards signals, reaps zombies, and exits with COMMAND's exit code.
// COMMAND is started with vfork(): no copy of the supervisor's page tables,
// and its start costs what tini's does (bench/results.md, section 6).
// This library links neither libpq nor Boost.Log (CMakeLists.txt checks it);
// its few log lines go through core/log_format.hpp straight to stderr.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/log_format.hpp"
#include "supervise/settings.hpp"

namespace dbinit {

struct SupervisedRun {
  // The phases before COMMAND, run in a forked child that exits with what
  // this returns (0: go on to COMMAND). Empty when no phase runs before it.
  std::function<int()> phases;
  // Empty: the run does not hand off (wait, migrate, status, sql), which is
  // never supervised.
  std::vector<std::string> command;
};

// Call right after option parsing. nullopt: dbinit should run its phases and
// hand off itself (exec mode, or a run without COMMAND); otherwise this was
// the supervisor and the value is its exit code.
std::optional<int> supervise_if_needed(const SuperviseSettings& settings, log::LogSettings log_settings,
                                       const SupervisedRun& run);

}  // namespace dbinit
