#pragma once
// Applying a plan: batch after batch (migrate/batch.hpp) under the
// migration lock, turning each batch's outcome into the next action:
// go on; poll a busy lock (never waiting inside the server); read the
// history again when another replica may have changed it, or after a lost
// connection, and carry on from there; back off the app's table locks and
// try again; or end. Every outcome is logged here, in the order things
// happened, and a run that tried to change the database ends with one
// summary line. The database is behind migrate/database.hpp.
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
  // Record the versions up to this one as applied without running them,
  // on a database dbinit never migrated (--baseline).
  std::optional<long long> baseline;
  Milliseconds lock_timeout = default_lock_timeout;
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
