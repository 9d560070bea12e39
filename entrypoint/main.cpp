// dbinit: config -> wait -> migrate -> hand-off. The policy of each phase
// lives in src/; this file only composes them and maps outcomes to exit codes.
#include <unistd.h>

#include <iostream>

#include "connect.hpp"
#include "exit_code.hpp"
#include "embedded_files.hpp"
#include "handoff.hpp"
#include "history.hpp"
#include "log.hpp"
#include "migrate.hpp"
#include "migration_plan.hpp"
#include "migration_set.hpp"
#include "migration_url.hpp"
#include "options.hpp"
#include "supervisor.hpp"
#include "wait.hpp"

using namespace dbinit;

namespace {

std::vector<std::string> current_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

void setup_logging(const Config& config, const std::vector<std::string>& warnings) {
  log::init(config.log_level, config.log_format);
  auto& redactor = log::redactor();
  redactor.add_connection_string(config.database_url);
  redactor.add_connection_string(config.migration_url);
  if (const char* password = std::getenv("PGPASSWORD")) redactor.add_secret(password);
  for (const auto& warning : warnings) log::warn("config", warning);
}

int exit_code_for(const WaitOutcome& waited, const WaitSettings& settings) {
  switch (waited.result) {
    case WaitResult::ready: return to_int(ExitCode::ok);
    case WaitResult::stopped:
      log::warn("wait", "stopped by signal before the database was ready");
      return exit_code_for_signal(*waited.stop_signal);
    case WaitResult::fatal: return to_int(ExitCode::database_unreachable);
    case WaitResult::timed_out:
      log::error("wait", "gave up: database not ready within " + format_duration(settings.timeout),
                 {{"attempts", std::to_string(waited.attempts)}, {"last_error", waited.last_error}});
      return to_int(ExitCode::database_unreachable);
  }
  return to_int(ExitCode::database_unreachable);
}

bool uses_migrations(const Config& config) {
  return config.command == Command::migrate || config.command == Command::status || config.command == Command::sql ||
         (config.command == Command::run && !config.skip_migrations);
}

WaitSettings wait_settings(const Config& config, const std::string& probe_sql) {
  WaitSettings settings{config.wait_timeout, config.connect_timeout, {config.backoff_initial, config.backoff_max},
                        random_seed(), probe_sql};
  // --skip-wait still needs the one connection that migrations use: a single attempt.
  if (config.skip_wait && config.command != Command::wait) settings.timeout = config.connect_timeout;
  return settings;
}

std::string applied_by() { return host_name() + " (dbinit " DBINIT_VERSION ")"; }

// status, sql, migrate and the migrate phase of run, on a ready connection.
// Reconnecting after a lost connection waits again with the same settings.
int run_migration_command(const Config& config, const HistoryTable& table, const ConnectionTarget& target,
                          const WaitSettings& settings, WaitOutcome waited, StopSignals& stop) {
  const auto migrations = load_migrations(embedded_migration_files());
  if (config.command == Command::status || config.command == Command::sql) {
    auto history = history_from_results(waited.probe_results, table);
    if (!history) return to_int(ExitCode::migration_failed);
    if (config.command == Command::status) {
      const auto rows = migration_status(migrations, *history);
      std::cout << format_status_table(rows) << std::flush;
      return to_int(status_exit_code(rows, migrations));
    }
    const auto plan = plan_migrations(migrations, *history, {config.target, config.strict});
    for (const auto& warning : plan.warnings) log::warn("migrate", warning);
    if (plan.refusal) {
      log::error("migrate", plan.refusal->message);
      return to_int(plan.refusal->exit_code);
    }
    std::cout << plan_sql(plan, table, history->table_exists, applied_by()) << std::flush;
    return to_int(ExitCode::ok);
  }

  Database database{std::move(waited.connection), [&](Database& self) -> std::optional<std::vector<PgResult>> {
                      WaitOutcome again = wait_for_database(target, settings, stop);
                      if (again.result != WaitResult::ready) return std::nullopt;
                      self.connection = std::move(again.connection);
                      return std::move(again.probe_results);
                    }};
  MigrateSettings migrate_settings{table, {config.target, config.strict}, config.repair, config.lock_timeout,
                                   {config.backoff_initial / 4 + Milliseconds(1), std::min(config.backoff_max, Milliseconds(1000))},
                                   random_seed(), applied_by()};
  const MigrateOutcome migrated = migrate(database, migrations, migrate_settings, std::move(waited.probe_results), stop);
  if (migrated.stop_signal) return exit_code_for_signal(*migrated.stop_signal);
  return to_int(migrated.exit_code);
}

int run_phases(const Config& config) {
  StopSignals stop;
  const bool migrating = uses_migrations(config);
  // Only a run that migrates needs the table (and hashes its name for the
  // lock key, which loads OpenSSL): --skip-migrations starts without it.
  std::optional<HistoryTable> table;
  if (migrating) {
    std::string error;
    table = parse_history_table(config.history_table, error);
    if (!table) {
      log::error("config", error);
      return to_int(ExitCode::usage);
    }
  }
  const ConnectionTarget target = migrating ? migration_connection(config, default_application_name())
                                            : ConnectionTarget{config.database_url, default_application_name(), std::nullopt};
  if (auto problem = conninfo_error(target.conninfo)) {
    log::error("config", "the database URL is not a valid libpq connection string: " + *problem);
    return to_int(ExitCode::database_unreachable);
  }

  if (migrating || !config.skip_wait || config.command == Command::wait) {
    const WaitSettings settings = wait_settings(config, migrating ? read_history_sql(*table) : "SELECT 1");
    WaitOutcome waited = wait_for_database(target, settings, stop);
    if (waited.result != WaitResult::ready) return exit_code_for(waited, settings);
    if (config.command == Command::wait) return to_int(ExitCode::ok);
    if (migrating) {
      const int code = run_migration_command(config, *table, target, settings, std::move(waited), stop);
      if (code != 0 || config.command != Command::run) return code;
    }
  }

  if (auto signal = stop.received()) return exit_code_for_signal(*signal);
  return to_int(exec_command(config.command_argv, stop));
}

}  // namespace

int main(int argc, char** argv) {
  ParseOutcome parsed = parse_options({argv + 1, argv + argc}, current_environment());
  if (!parsed.config) {
    (parsed.exit_code == ExitCode::ok ? std::cout : std::cerr) << parsed.output << parsed.error
                                                               << (parsed.error.empty() ? "" : "\n");
    return to_int(parsed.exit_code);
  }
  // Supervise mode forks here, before the logging core or a connection
  // exists: the parent stays resident as init, the child goes on below.
  if (auto supervisor_exit_code = supervise_if_needed(*parsed.config)) return *supervisor_exit_code;
  setup_logging(*parsed.config, parsed.warnings);
  try {
    return run_phases(*parsed.config);
  } catch (const std::exception& failure) {
    // Only system-level failures (signalfd, memory) end up here.
    log::error("dbinit", failure.what());
    return to_int(ExitCode::usage);
  }
}
