#pragma once
// Applying a plan: each migration in its own transaction under the migration
// lock, every pending transactional one sent in one message (a batch; a
// no-transaction migration ends it and runs alone), polling a busy lock
// (never waiting inside the server), reading the history again whenever
// another replica may have changed it, and carrying on from there, also
// after a lost connection. The database is behind migrate/database.hpp.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/backoff.hpp"
#include "migrate/database.hpp"
#include "migrate/lock.hpp"

namespace dbinit {

struct ApplyRequest {
  PlanRequest plan;
  std::optional<long long> repair;  // remove this version's dirty mark first
  Milliseconds lock_timeout{300'000};
  BackoffPolicy lock_polling = dbinit::lock_polling;
  BackoffPolicy table_lock_backoff = dbinit::table_lock_backoff;
  std::uint64_t seed = 0;  // of the polling jitter
};

struct ApplyOutcome {
  ExitCode exit_code = ExitCode::ok;
  std::optional<int> stop_signal;  // set: exit 128+N
  unsigned applied = 0;            // steps done by this process
};

ApplyOutcome apply_migrations(MigrationDatabase& database, const std::vector<Migration>& migrations, History history,
                              const ApplyRequest& request);

}  // namespace dbinit
