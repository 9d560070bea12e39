#pragma once
// dbinit's documented exit codes (README "Exit codes"). A supervised or
// exec'd command's own code passes through unchanged.

namespace dbinit {

enum class ExitCode : int {
  ok = 0,
  pending = 1,              // `dbinit status`: migrations are pending
  usage = 2,                // bad option, environment value or command line
  database_unreachable = 3, // fatal connection error or wait timeout
  migration_failed = 4,     // a migration failed, or one is marked dirty
  lock_timeout = 5,         // another replica held the migration lock too long
  migration_drift = 6,      // applied migrations differ from embedded ones
  internal = 70,            // the system refused dbinit itself (fork, signals, memory); sysexits' EX_SOFTWARE
  not_executable = 126,     // COMMAND exists but cannot be executed
  not_found = 127,          // COMMAND not found
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

// A process stopped by signal N exits 128+N, as shells report it.
constexpr int exit_code_for_signal(int signal_number) { return 128 + signal_number; }

}  // namespace dbinit
