#include "migrate/pg_database.hpp"

#include <cstdlib>
#include <unordered_map>

#include "core/backoff.hpp"
#include "core/duration.hpp"
#include "core/text.hpp"

#include "log/log.hpp"
#include "migrate/error_location.hpp"
#include "migrate/lock.hpp"
#include "migrate/step_sql.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

void log_failure(const PlanStep& step, const StatementError& error, std::optional<LineColumn> at) {
  const std::string& file = script_of(step).file_name;
  log::Fields fields{{"file", file}, {"sqlstate", error.sqlstate}, {"error", error.message}};
  if (at) {
    fields.emplace_back("line", std::to_string(at->line));
    fields.emplace_back("column", std::to_string(at->column));
  }
  log::error(phase,
             "migration failed and was rolled back: " + file +
                 (at ? ":" + std::to_string(at->line) + ":" + std::to_string(at->column) : "") + ": " + error.message,
             fields);
  // A migration that checks before it changes anything (adopting a database
  // another tool built) lists what it found in DETAIL, one line each.
  std::size_t start = 0;
  while (start < error.detail.size()) {
    auto end = error.detail.find('\n', start);
    if (end == std::string::npos) end = error.detail.size();
    if (end > start) log::error(phase, error.detail.substr(start, end - start), {{"file", file}});
    start = end + 1;
  }
}

// A duration the server returned: nullopt when it is NULL (not known).
std::optional<Milliseconds> duration_at(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::nullopt;
  return Milliseconds(std::atoll(PQgetvalue(result, row, column)));
}

// Fills in the durations of the committed steps going up from durations_sql's rows.
void take_durations(const PGresult* result, const std::vector<PlanStep>& steps, BatchOutcome& batch) {
  if (!result || PQresultStatus(result) != PGRES_TUPLES_OK || PQnfields(result) != 2) return;
  std::unordered_map<long long, std::size_t> step_of_version;  // a batch may hold thousands
  for (std::size_t i = 0; i < batch.committed.size(); ++i)
    if (steps[i].direction == Direction::up) step_of_version[steps[i].migration->version] = i;
  for (int row = 0; row < PQntuples(result); ++row) {
    const auto step = step_of_version.find(std::atoll(PQgetvalue(result, row, 0)));
    if (step != step_of_version.end()) batch.committed[step->second] = duration_at(result, row, 1);
  }
}

}  // namespace

PgMigrationDatabase::PgMigrationDatabase(Session& session, HistoryTable table, Milliseconds table_lock_timeout,
                                         Milliseconds lock_timeout)
    : session_(session),
      table_(std::move(table)),
      lock_key_(lock_key(table_)),
      applied_by_(applied_by()),
      table_lock_timeout_(table_lock_timeout),
      lock_timeout_(lock_timeout) {}

StepOutcome PgMigrationDatabase::interrupted(const QueryOutcome& outcome) {
  if (outcome.status == IoStatus::stopped) {
    StepOutcome stopped{StepResult::stopped};
    if (outcome.settled) stopped.committed = !first_error(outcome.results).has_value();
    return stopped;
  }
  broken_ = true;
  return {StepResult::connection_lost, Milliseconds(0), outcome.error};
}

StepOutcome PgMigrationDatabase::apply(const PlanStep& step, bool table_exists) {
  const bool no_transaction = step.direction == Direction::up && step.migration->up.no_transaction;
  return no_transaction ? apply_without_transaction(step, table_exists) : apply_in_transaction(step, table_exists);
}

// One message, one round trip: outside a transaction block the server runs
// the message's statements as one implicit transaction.
StepOutcome PgMigrationDatabase::apply_in_transaction(const PlanStep& step, bool table_exists) {
  return send_step(step, table_exists);
}

StepOutcome PgMigrationDatabase::send_step(const PlanStep& step, bool table_exists) {
  const ApplyMessage message = step.direction == Direction::up
                                   ? apply_up_message(table_, lock_key_, *step.migration, !table_exists, applied_by_,
                                                      table_lock_timeout_)
                                   : apply_down_message(table_, lock_key_, *step.migration, table_lock_timeout_);
  const auto start = Clock::now();
  auto outcome = run_query(session_.connection(), message.sql, std::nullopt, session_.stop());
  if (outcome.status != IoStatus::ready) return interrupted(outcome);
  if (auto error = first_error(outcome.results))
    return step_error(step, *error, message, outcome.results.size() - 1, since(start));
  return {StepResult::applied, since(start)};
}

StepOutcome PgMigrationDatabase::step_error(const PlanStep& step, const StatementError& error,
                                            const ApplyMessage& message, std::size_t failed_statement,
                                            Milliseconds duration) {
  if (error.sqlstate == lock_busy_sqlstate) return {StepResult::lock_busy};
  if (error.sqlstate == applied_elsewhere_sqlstate) return {StepResult::applied_elsewhere};
  if (message.record_guard_statement == failed_statement) {
    if (error.sqlstate == lock_busy_record_sqlstate) return {StepResult::lock_busy};
    if (error.sqlstate == recorded_already_record_sqlstate) return {StepResult::applied_elsewhere};
  }
  if (is_table_lock_conflict(error.sqlstate))
    return {StepResult::table_lock_conflict, duration, script_of(step).file_name + ": " + error.message};
  log_failure(step, error, locate_in_file(message, script_of(step).sql, error.position, failed_statement));
  return {StepResult::failed};
}

BatchOutcome PgMigrationDatabase::apply_batch(const std::vector<PlanStep>& steps, bool table_exists) {
  const BatchMessage message =
      apply_batch_message(table_, lock_key_, steps, !table_exists, applied_by_, table_lock_timeout_);
  const auto start = Clock::now();
  auto outcome = run_query(session_.connection(), message.sql, std::nullopt, session_.stop());
  BatchOutcome batch;
  // One COMMIT answer per step the server committed (migration files hold no
  // transaction control). Just before it: a step going down, its history
  // row's deletion, which returns its duration; the last step going up,
  // every duration (durations_sql).
  std::size_t step_start = 0;  // the result of the BEGIN opening the step in flight
  for (std::size_t i = 0; i < outcome.results.size(); ++i) {
    const PGresult* result = outcome.results[i].get();
    if (PQresultStatus(result) != PGRES_COMMAND_OK || std::string_view(PQcmdStatus(const_cast<PGresult*>(result))) != "COMMIT")
      continue;
    if (batch.committed.size() == steps.size()) break;  // cannot happen: files hold no COMMIT
    const PGresult* before = i > 0 ? outcome.results[i - 1].get() : nullptr;
    const bool down = steps[batch.committed.size()].direction == Direction::down;
    const bool measured = down && before && PQresultStatus(before) == PGRES_TUPLES_OK && PQntuples(before) == 1;
    batch.committed.push_back(measured ? duration_at(before, 0, 0) : std::nullopt);
    if (message.durations_before_last_commit && batch.committed.size() == steps.size()) take_durations(before, steps, batch);
    step_start = i + 1;
  }
  if (outcome.status != IoStatus::ready) {
    batch.rest = interrupted(outcome);
    return batch;
  }
  const auto error = first_error(outcome.results);
  if (!error) return batch;  // all committed, the last one durably
  const std::size_t failed = batch.committed.size();
  if (failed >= steps.size()) return batch;  // cannot happen: an error skips the COMMIT after it
  batch.rest = step_error(steps[failed], *error, message.steps[failed], outcome.results.size() - 1 - step_start,
                          since(start));
  // A closed block and durable earlier commits, or the session is unusable.
  std::vector<long long> committed_up;
  for (std::size_t i = 0; i < failed; ++i)
    if (steps[i].direction == Direction::up) committed_up.push_back(steps[i].migration->version);
  auto ended = run_query(session_.connection(), end_batch_sql(table_, failed > 0, committed_up), std::nullopt,
                         session_.stop());
  if (ended.status != IoStatus::ready) {
    interrupted(ended);
  } else if (auto problem = first_error(ended.results)) {
    log::warn(phase, "ending the batch failed: " + problem->message + "; reconnecting", {{"sqlstate", problem->sqlstate}});
    broken_ = true;
  } else if (!committed_up.empty()) {
    take_durations(ended.results.back().get(), steps, batch);
  }
  return batch;
}

// BEGIN, each step's message, COMMIT: the transaction lock taken by the
// first step is held to the end, and any failure rolls everything back.
StepOutcome PgMigrationDatabase::apply_together(const std::vector<PlanStep>& steps, bool table_exists) {
  const auto start = Clock::now();
  auto simple = [&](const char* sql) {
    auto outcome = run_query(session_.connection(), sql, std::nullopt, session_.stop());
    if (outcome.status != IoStatus::ready) return interrupted(outcome);
    if (auto error = first_error(outcome.results)) {
      log::error(phase, std::string(sql) + " failed: " + error->message, {{"sqlstate", error->sqlstate}});
      return StepOutcome{StepResult::failed};
    }
    return StepOutcome{StepResult::applied};
  };
  if (auto begun = simple("BEGIN"); begun.result != StepResult::applied) return begun;
  for (const auto& step : steps) {
    auto sent = send_step(step, table_exists);
    table_exists = true;
    if (sent.result == StepResult::applied) continue;
    // COMMIT was never sent: closing the connection rolls the block back.
    if (sent.result == StepResult::stopped) sent.committed = false;
    // A broken connection rolls back by itself; otherwise end the block.
    if (sent.result != StepResult::connection_lost && sent.result != StepResult::stopped) simple("ROLLBACK");
    if (sent.result == StepResult::failed)
      log::error(phase, "nothing was changed: the migrations adopting this database run in one transaction");
    return sent;
  }
  if (auto committed = simple("COMMIT"); committed.result != StepResult::applied) return committed;
  return {StepResult::applied, since(start)};
}

// A -- dbinit:no-transaction migration: a session lock, a dirty mark first,
// then each statement alone (CREATE INDEX CONCURRENTLY refuses anything else).
StepOutcome PgMigrationDatabase::apply_without_transaction(const PlanStep& step, bool table_exists) {
  // Runs one bookkeeping statement; a StepOutcome when it did not succeed.
  auto bookkeeping = [&](const std::string& sql, std::vector<PgResult>* results = nullptr) -> std::optional<StepOutcome> {
    auto outcome = run_query(session_.connection(), sql, std::nullopt, session_.stop());
    if (outcome.status != IoStatus::ready) return interrupted(outcome);
    if (auto error = first_error(outcome.results)) {
      log::error(phase, "bookkeeping for " + script_of(step).file_name + " failed: " + error->message,
                 {{"sqlstate", error->sqlstate}});
      return StepOutcome{StepResult::failed};
    }
    if (results) *results = std::move(outcome.results);
    return std::nullopt;
  };
  std::vector<PgResult> answer;
  if (auto report = bookkeeping(try_session_lock_sql(lock_key_), &answer)) return *report;
  if (std::string_view(PQgetvalue(answer.back().get(), 0, 0)) != "t") return {StepResult::lock_busy};
  // From here on the session lock is held; release it on every way out that
  // keeps the connection (a closed connection releases it by itself).
  auto release = [&](StepOutcome report) {
    if (report.result != StepResult::connection_lost && report.result != StepResult::stopped)
      run_query(session_.connection(), release_session_lock_sql(lock_key_), std::nullopt, session_.stop());
    return report;
  };
  const Migration& migration = *step.migration;
  if (!table_exists)
    if (auto report = bookkeeping(create_table_sql(table_))) return release(*report);
  if (auto report = bookkeeping(version_recorded_sql(table_, migration.version), &answer)) return release(*report);
  if (PQntuples(answer.back().get()) > 0) return release({StepResult::applied_elsewhere});
  if (auto report = bookkeeping(mark_dirty_sql(table_, migration, applied_by_))) return release(*report);

  const auto start = Clock::now();
  const auto& sql = migration.up.sql;
  for (const auto& statement : split_statements(sql)) {
    auto outcome = run_without_transaction(statement.text, script_of(step).file_name);
    if (outcome.status != IoStatus::ready) {
      // Each statement commits alone: the dirty mark, not one answer, tells.
      auto report = interrupted(outcome);
      report.committed.reset();
      return report;
    }
    if (auto error = first_error(outcome.results)) {
      log_failure(step, *error, locate_in_statement(sql, statement, error->position));
      log::error(phase, "version " + std::to_string(migration.version) +
                            " stays marked dirty: check the database, then run dbinit migrate --repair " +
                            std::to_string(migration.version));
      return release({StepResult::failed});
    }
  }
  const auto duration = since(start);
  session_lock_timeout_.reset();
  if (auto report = bookkeeping("RESET lock_timeout")) return release(*report);
  if (auto report = bookkeeping(mark_applied_sql(table_, migration, duration.count()))) return release(*report);
  return release({StepResult::applied, duration});
}

// A CONCURRENTLY statement takes locks that do not queue the app's reads and
// writes, and must not give up half-way (it would leave an invalid index):
// it waits as long as it needs. Any other statement gives way as a
// transactional migration does, alone: the statements before it stay done.
QueryOutcome PgMigrationDatabase::run_without_transaction(std::string_view statement, const std::string& file) {
  const bool gives_way = table_lock_timeout_.count() > 0 && !contains_word(statement, "concurrently");
  const Milliseconds wanted = gives_way ? table_lock_timeout_ : Milliseconds(0);
  QueryOutcome outcome;
  if (session_lock_timeout_ != wanted) {
    outcome = run_query(session_.connection(), session_lock_timeout_sql(wanted), std::nullopt, session_.stop());
    if (outcome.status != IoStatus::ready || first_error(outcome.results)) return outcome;
    session_lock_timeout_ = wanted;
  }
  BackoffSchedule backoff(table_lock_backoff, random_seed());
  const auto deadline = Clock::now() + lock_timeout_;
  for (;;) {
    outcome = run_query(session_.connection(), statement, std::nullopt, session_.stop());
    const auto error = outcome.status == IoStatus::ready ? first_error(outcome.results) : std::nullopt;
    if (!gives_way || !error || !is_table_lock_conflict(error->sqlstate) || Clock::now() >= deadline) return outcome;
    const auto delay = std::min(backoff.next(), std::chrono::ceil<Milliseconds>(deadline - Clock::now()));
    log::warn(phase, "a statement of " + file + " gave way to a table lock; trying it again",
              {{"error", error->message}, {"holders", table_lock_holders()}, {"retry_in", format_duration(delay)}});
    if (session_.stop().sleep(delay)) return {IoStatus::stopped, {}, {}};
  }
}

Reread PgMigrationDatabase::reread() {
  Reread reread;
  std::vector<PgResult> results;
  if (!broken_) {
    auto outcome = run_query(session_.connection(), read_history_sql(table_), std::nullopt, session_.stop());
    if (outcome.status == IoStatus::stopped) {
      reread.stop_signal = session_.stop().received();
      return reread;
    }
    if (outcome.status == IoStatus::ready) {
      results = std::move(outcome.results);
    } else {
      log::warn(phase, "connection lost; reconnecting", {{"error", outcome.error}});
      broken_ = true;
    }
  }
  if (broken_) {
    auto again = session_.reconnect();
    if (!again) {
      // The wait phase has logged why: a stop signal, or the database is gone.
      reread.stop_signal = session_.stop().received();
      reread.failure = ExitCode::database_unreachable;
      return reread;
    }
    broken_ = false;
    session_lock_timeout_.reset();  // a new session starts with the server's default
    results = std::move(*again);
  }
  reread.history = history_from_results(results, table_);
  return reread;
}

bool PgMigrationDatabase::repair(long long version) {
  auto repaired = run_query(session_.connection(), repair_sql(table_, version), std::nullopt, session_.stop());
  return repaired.status == IoStatus::ready && !first_error(repaired.results) && !repaired.results.empty() &&
         std::string_view(PQcmdTuples(repaired.results.back().get())) == "1";
}

std::string PgMigrationDatabase::lock_holder() {
  auto outcome = run_query(session_.connection(), lock_holder_sql(lock_key_), Clock::now() + Milliseconds(5'000),
                           session_.stop());
  if (outcome.status != IoStatus::ready || first_error(outcome.results) || outcome.results.empty() ||
      PQntuples(outcome.results.back().get()) == 0)
    return "unknown (it may have just finished)";
  const PGresult* row = outcome.results.back().get();
  return "pid " + std::string(PQgetvalue(row, 0, 0)) + " application_name=" + PQgetvalue(row, 0, 1) +
         " client=" + PQgetvalue(row, 0, 2) + " for " + PQgetvalue(row, 0, 3) + "s";
}

std::string PgMigrationDatabase::table_lock_holders() {
  auto outcome = run_query(session_.connection(), table_lock_holders_sql(), Clock::now() + Milliseconds(5'000),
                           session_.stop());
  if (outcome.status != IoStatus::ready || first_error(outcome.results) || outcome.results.empty() ||
      PQntuples(outcome.results.back().get()) == 0)
    return "none found (the lock may have just been released)";
  const PGresult* rows = outcome.results.back().get();
  std::string text;
  for (int row = 0; row < PQntuples(rows); ++row) {
    if (!text.empty()) text += "; ";
    text += "pid " + std::string(PQgetvalue(rows, row, 0)) + " application_name=" + PQgetvalue(rows, row, 1) + " " +
            PQgetvalue(rows, row, 2) + " for " + PQgetvalue(rows, row, 3) + "s on " + PQgetvalue(rows, row, 4);
  }
  return text;
}

Clock::time_point PgMigrationDatabase::now() { return Clock::now(); }

std::optional<int> PgMigrationDatabase::sleep(Milliseconds duration) { return session_.stop().sleep(duration); }

std::optional<int> PgMigrationDatabase::stop_signal() { return session_.stop().received(); }

}  // namespace dbinit
