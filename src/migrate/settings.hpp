#pragma once
// What the migrate phase is asked to do. Defaults here are the documented
// ones (config/options.cpp shows them in --help).
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "migrate/history.hpp"
#include "migrate/lock.hpp"

namespace dbinit {

// What a run does with the migrations: apply them, report their state
// (`dbinit status`), print the SQL applying them would send (`dbinit sql`),
// check their way back on a scratch database (`dbinit verify`), or wait
// until another replica has applied them (--await-migrations).
enum class MigrateAction { apply, status, sql, verify, await_schema };

// How `dbinit status` prints: a table for people, JSON for machines.
enum class StatusFormat { table, json };

struct MigrateSettings {
  bool skip = false;  // --skip-migrations: a run starts COMMAND without migrating
  HistoryTable history_table = default_history_table();
  Milliseconds lock_timeout = default_lock_timeout;
  // How long one statement of a migration waits for a table lock before the
  // migration rolls back, backs off and tries again (within lock_timeout);
  // zero: no limit. Waiting long would queue the app's queries behind it.
  Milliseconds table_lock_timeout{2'000};
  std::optional<long long> target;  // nullopt: the newest version
  std::optional<long long> repair;  // `dbinit migrate --repair V`
  std::optional<long long> baseline;  // `dbinit migrate --baseline V`: a database create_all made
  bool strict = false;              // a database ahead of dbinit is drift
  bool await_migrations = false;    // --await-migrations: another replica migrates; wait for it
  bool allow_irreversible = false;  // verify: a version without a down file ends the check, exit 0
  StatusFormat status_format = StatusFormat::table;
  std::optional<std::string> migrations_dir;  // read the set from here at start (development)
};

}  // namespace dbinit
