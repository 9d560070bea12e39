#pragma once
// The migrate phase: applies the plan one migration at a time, each in its
// own transaction under a transaction-level advisory lock, polling for the
// lock (never waiting inside the server) and surviving a lost connection.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backoff.hpp"
#include "history.hpp"
#include "migration_plan.hpp"
#include "pg.hpp"

namespace dbinit {

struct MigrateSettings {
  HistoryTable table;
  PlanRequest request;
  std::optional<long long> repair;
  Milliseconds lock_timeout{300'000};
  BackoffPolicy lock_backoff{Milliseconds(50), Milliseconds(1000)};
  std::uint64_t seed = 0;
  std::string applied_by;  // "host (dbinit 0.1.0)"
};

struct MigrateOutcome {
  ExitCode exit_code = ExitCode::ok;
  std::optional<int> stop_signal;  // set: exit 128+N
  unsigned applied = 0;            // steps done by this process
};

// A connection that can be made again after it is lost. Reconnecting runs
// the wait phase; it returns the history read as its probe, or nullopt.
struct Database {
  PgConnection connection;
  std::function<std::optional<std::vector<PgResult>>(Database&)> reconnect;
};

MigrateOutcome migrate(Database& database, const std::vector<Migration>& migrations, const MigrateSettings& settings,
                       std::vector<PgResult> history_results, StopSignals& stop);

// The history from the result of read_history_sql(); logs why when it is
// not readable (an error other than "no history table yet").
std::optional<History> history_from_results(const std::vector<PgResult>& results, const HistoryTable& table);

// `dbinit sql`: the SQL migrate would send for this plan.
std::string plan_sql(const MigrationPlan& plan, const HistoryTable& table, bool table_exists, std::string_view applied_by);

}  // namespace dbinit
