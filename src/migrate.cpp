#include "migrate.hpp"

#include <algorithm>
#include <set>

#include "log.hpp"
#include "migration_error.hpp"

namespace dbinit {

namespace {

enum class StepResult { applied, lock_busy, changed_meanwhile, failed, stopped, connection_lost };

struct StepReport {
  StepResult result;
  Milliseconds duration{0};
};

const MigrationScript& script_of(const PlanStep& step) {
  return step.direction == StepDirection::up ? step.migration->up : *step.migration->down;
}

std::string step_label(const PlanStep& step) {
  return script_of(step).file_name;
}

Milliseconds since(Clock::time_point start) { return std::chrono::duration_cast<Milliseconds>(Clock::now() - start); }

StepReport from_io_status(IoStatus status) {
  return {status == IoStatus::stopped ? StepResult::stopped : StepResult::connection_lost};
}

void log_failure(const PlanStep& step, const StatementError& error, std::optional<LineColumn> at) {
  log::Fields fields{{"file", script_of(step).file_name}, {"sqlstate", error.sqlstate}, {"error", error.message}};
  if (at) {
    fields.emplace_back("line", std::to_string(at->line));
    fields.emplace_back("column", std::to_string(at->column));
  }
  log::error("migrate",
             "migration failed and was rolled back: " + script_of(step).file_name +
                 (at ? ":" + std::to_string(at->line) + ":" + std::to_string(at->column) : "") + ": " + error.message,
             fields);
}

// One transactional step: one message, one round trip.
StepReport apply_in_transaction(PGconn* connection, const PlanStep& step, const MigrateSettings& settings,
                                bool table_exists, StopSignals& stop) {
  const ApplyMessage message = step.direction == StepDirection::up
                                   ? apply_up_message(settings.table, *step.migration, !table_exists, settings.applied_by)
                                   : apply_down_message(settings.table, *step.migration);
  const auto start = Clock::now();
  auto outcome = run_query(connection, message.sql, std::nullopt, stop);
  if (outcome.status != IoStatus::ready) return from_io_status(outcome.status);
  if (auto error = first_error(outcome.results)) {
    if (error->sqlstate == lock_busy_sqlstate) return {StepResult::lock_busy};
    if (error->sqlstate == already_done_sqlstate) return {StepResult::changed_meanwhile};
    log_failure(step, *error, locate_in_file(message, script_of(step).sql, error->position, outcome.results.size() - 1));
    return {StepResult::failed};
  }
  return {StepResult::applied, since(start)};
}

// A -- dbinit:no-transaction migration: a session lock, a dirty mark first,
// then each statement alone (CREATE INDEX CONCURRENTLY refuses anything else).
StepReport apply_without_transaction(PGconn* connection, const PlanStep& step, const MigrateSettings& settings,
                                     bool table_exists, StopSignals& stop) {
  const auto& table = settings.table;
  auto simple = [&](const std::string& sql, std::vector<PgResult>* results = nullptr) -> std::optional<StepReport> {
    auto outcome = run_query(connection, sql, std::nullopt, stop);
    if (outcome.status != IoStatus::ready) return from_io_status(outcome.status);
    if (auto error = first_error(outcome.results)) {
      log::error("migrate", "bookkeeping for " + step_label(step) + " failed: " + error->message,
                 {{"sqlstate", error->sqlstate}});
      return StepReport{StepResult::failed};
    }
    if (results) *results = std::move(outcome.results);
    return std::nullopt;
  };
  std::vector<PgResult> answer;
  if (auto report = simple(try_session_lock_sql(table), &answer)) return *report;
  if (std::string_view(PQgetvalue(answer.back().get(), 0, 0)) != "t") return {StepResult::lock_busy};
  // From here on the session lock is held; release it on every way out.
  auto release = [&](StepReport report) {
    if (report.result != StepResult::connection_lost && report.result != StepResult::stopped)
      run_query(connection, release_session_lock_sql(table), std::nullopt, stop);
    return report;
  };
  if (!table_exists)
    if (auto report = simple(create_table_sql(table))) return release(*report);
  if (auto report = simple("SELECT 1 FROM " + table.qualified + " WHERE version = " +
                           std::to_string(step.migration->version), &answer))
    return release(*report);
  if (PQntuples(answer.back().get()) > 0) return release({StepResult::changed_meanwhile});
  if (auto report = simple(mark_dirty_sql(table, *step.migration, settings.applied_by))) return release(*report);

  const auto start = Clock::now();
  const auto& sql = step.migration->up.sql;
  for (const auto& statement : split_statements(sql)) {
    auto outcome = run_query(connection, std::string(statement.text), std::nullopt, stop);
    if (outcome.status != IoStatus::ready) return from_io_status(outcome.status);
    if (auto error = first_error(outcome.results)) {
      log_failure(step, *error, locate_in_statement(sql, statement, error->position));
      log::error("migrate", "version " + std::to_string(step.migration->version) +
                                " stays marked dirty: check the database, then run dbinit migrate --repair " +
                                std::to_string(step.migration->version));
      return release({StepResult::failed});
    }
  }
  const auto duration = since(start);
  if (auto report = simple(mark_applied_sql(table, *step.migration, duration.count()))) return release(*report);
  return release({StepResult::applied, duration});
}

void log_lock_holder(PGconn* connection, const HistoryTable& table, Milliseconds waited, StopSignals& stop) {
  auto outcome = run_query(connection, lock_holder_sql(table), Clock::now() + Milliseconds(5'000), stop);
  std::string holder = "unknown (it may have just finished)";
  if (outcome.status == IoStatus::ready && !first_error(outcome.results) && !outcome.results.empty() &&
      PQntuples(outcome.results.back().get()) > 0) {
    const PGresult* row = outcome.results.back().get();
    holder = "pid " + std::string(PQgetvalue(row, 0, 0)) + " application_name=" + PQgetvalue(row, 0, 1) +
             " client=" + PQgetvalue(row, 0, 2) + " for " + PQgetvalue(row, 0, 3) + "s";
  }
  log::info("migrate", "waiting for the migration lock held by " + holder,
            {{"waited", format_duration(waited)}, {"lock_key", std::to_string(table.lock_key)}});
}

struct Reread {
  std::optional<History> history;
  std::optional<int> stop_signal;
  ExitCode failure = ExitCode::migration_failed;  // when neither is set
};

// Reads the history again (after a busy lock or a lost connection),
// reconnecting first when the connection is gone or breaks on the read.
Reread reread(Database& database, const MigrateSettings& settings, StopSignals& stop) {
  Reread reread;
  std::vector<PgResult> results;
  if (database.connection) {
    auto outcome = run_query(database.connection.get(), read_history_sql(settings.table), std::nullopt, stop);
    if (outcome.status == IoStatus::stopped) {
      reread.stop_signal = stop.received();
      return reread;
    }
    if (outcome.status == IoStatus::ready) {
      results = std::move(outcome.results);
    } else {
      log::warn("migrate", "connection lost; reconnecting", {{"error", outcome.error}});
      database.connection.reset();
    }
  }
  if (!database.connection) {
    auto probe = database.reconnect(database);
    if (!probe) {
      // The wait phase has logged why; a stop signal, or the database is gone.
      reread.stop_signal = stop.received();
      reread.failure = ExitCode::database_unreachable;
      return reread;
    }
    results = std::move(*probe);
  }
  reread.history = history_from_results(results, settings.table);
  return reread;
}

void record_locally(History& history, const PlanStep& step) {
  history.table_exists = true;
  auto& rows = history.rows;  // sorted by version
  const auto version = step.migration->version;
  auto at = std::lower_bound(rows.begin(), rows.end(), version,
                             [](const HistoryRow& row, long long wanted) { return row.version < wanted; });
  if (at != rows.end() && at->version == version) at = rows.erase(at);
  if (step.direction == StepDirection::up)
    rows.insert(at, {version, step.migration->name, step.migration->checksum, "applied", "now"});
}

}  // namespace

MigrateOutcome migrate(Database& database, const std::vector<Migration>& migrations, const MigrateSettings& settings,
                       std::vector<PgResult> history_results, StopSignals& stop) {
  MigrateOutcome outcome;
  auto fail = [&](ExitCode code) {
    outcome.exit_code = code;
    return outcome;
  };
  auto history = history_from_results(history_results, settings.table);
  if (!history) return fail(ExitCode::migration_failed);
  if (settings.repair) {
    auto repaired = run_query(database.connection.get(), repair_sql(settings.table, *settings.repair), std::nullopt, stop);
    if (repaired.status != IoStatus::ready || first_error(repaired.results) || repaired.results.empty() ||
        std::string_view(PQcmdTuples(repaired.results.back().get())) != "1") {
      log::error("migrate", "cannot repair version " + std::to_string(*settings.repair) +
                                ": it is not marked dirty in " + settings.table.qualified);
      return fail(ExitCode::migration_failed);
    }
    log::warn("migrate", "removed the dirty mark of version " + std::to_string(*settings.repair) +
                             "; it will be applied again");
    std::erase_if(history->rows, [&](const auto& row) { return row.version == *settings.repair; });
  }

  std::set<std::string> warned;
  BackoffSchedule backoff(settings.lock_backoff, settings.seed);
  bool waiting_for_lock = false;
  Clock::time_point waiting_since{};
  Clock::time_point last_holder_report{};
  const auto started = Clock::now();
  // The plan holds while this process makes progress; it is made again only
  // when another replica may have changed the history (busy lock, a version
  // changed meanwhile, a reconnect).
  std::optional<MigrationPlan> plan;
  std::size_t next_step = 0;
  for (;;) {
    if (!plan) {
      plan = plan_migrations(migrations, *history, settings.request);
      next_step = 0;
      for (const auto& warning : plan->warnings)
        if (warned.insert(warning).second) log::warn("migrate", warning);
      if (plan->refusal) {
        log::error("migrate", plan->refusal->message);
        return fail(plan->refusal->exit_code);
      }
    }
    if (next_step == plan->steps.size()) {
      log::info("migrate", outcome.applied ? "migrations applied" : "database is up to date",
                {{"applied", std::to_string(outcome.applied)},
                 {"version", history->rows.empty() ? "none" : std::to_string(history->rows.back().version)},
                 {"elapsed", format_duration(since(started))}});
      return outcome;
    }
    const PlanStep step = plan->steps[next_step];
    const bool no_transaction = step.direction == StepDirection::up && step.migration->up.no_transaction;
    const auto report = no_transaction
                            ? apply_without_transaction(database.connection.get(), step, settings, history->table_exists, stop)
                            : apply_in_transaction(database.connection.get(), step, settings, history->table_exists, stop);
    switch (report.result) {
      case StepResult::applied:
        ++outcome.applied;
        waiting_for_lock = false;
        log::info("migrate", std::string(step.direction == StepDirection::up ? "applied " : "reverted ") + step_label(step),
                  {{"version", std::to_string(step.migration->version)}, {"duration", format_duration(report.duration)}});
        record_locally(*history, step);
        ++next_step;
        continue;
      case StepResult::failed:
        return fail(ExitCode::migration_failed);
      case StepResult::stopped:
        log::warn("migrate", "stopped by signal; the migration in progress was rolled back", {{"file", step_label(step)}});
        outcome.stop_signal = stop.received();
        return outcome;
      case StepResult::lock_busy: {
        const auto now = Clock::now();
        if (!waiting_for_lock) waiting_since = now;
        waiting_for_lock = true;
        const auto waited = std::chrono::duration_cast<Milliseconds>(now - waiting_since);
        if (waited >= settings.lock_timeout) {
          log_lock_holder(database.connection.get(), settings.table, waited, stop);
          log::error("migrate", "gave up waiting for the migration lock after " + format_duration(settings.lock_timeout));
          return fail(ExitCode::lock_timeout);
        }
        if (now - last_holder_report >= std::chrono::seconds(5)) {
          log_lock_holder(database.connection.get(), settings.table, waited, stop);
          last_holder_report = now;
        }
        const auto delay = std::min(backoff.next(), settings.lock_timeout - waited);
        if (auto signal = stop.sleep(delay)) {
          outcome.stop_signal = signal;
          return outcome;
        }
        break;
      }
      case StepResult::changed_meanwhile:
        log::debug("migrate", "another replica got there first; reading the history again", {{"file", step_label(step)}});
        break;
      case StepResult::connection_lost:
        log::warn("migrate", "connection lost during " + step_label(step) + "; reconnecting to retry",
                  {{"error", single_line(PQerrorMessage(database.connection.get()))}});
        database.connection.reset();
        break;
    }
    plan.reset();
    auto again = reread(database, settings, stop);
    if (again.stop_signal) {
      outcome.stop_signal = again.stop_signal;
      return outcome;
    }
    if (!again.history) return fail(again.failure);
    history = std::move(again.history);
  }
}

std::optional<History> history_from_results(const std::vector<PgResult>& results, const HistoryTable& table) {
  std::string error;
  auto history = parse_history(results, error);
  if (!history) log::error("migrate", "cannot read the history table " + table.qualified + ": " + error);
  return history;
}

std::string plan_sql(const MigrationPlan& plan, const HistoryTable& table, bool table_exists, std::string_view applied_by) {
  std::string out;
  for (const auto& step : plan.steps) {
    const auto& script = script_of(step);
    out += "-- " + script.file_name + " (version " + std::to_string(step.migration->version) + ")\n";
    if (step.direction == StepDirection::up && script.no_transaction) {
      out += try_session_lock_sql(table) + ";\n";
      if (!table_exists) out += create_table_sql(table);
      out += mark_dirty_sql(table, *step.migration, applied_by) + ";\n" + script.sql + "\n" +
             mark_applied_sql(table, *step.migration, 0) + ";\n" + release_session_lock_sql(table) + ";\n\n";
    } else {
      const auto message = step.direction == StepDirection::up
                               ? apply_up_message(table, *step.migration, !table_exists, applied_by)
                               : apply_down_message(table, *step.migration);
      out += "BEGIN;\n" + message.sql + "\nCOMMIT;\n\n";
    }
    table_exists = true;
  }
  return out;
}

}  // namespace dbinit
