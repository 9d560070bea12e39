#include "migrate/pg_database.hpp"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "core/backoff.hpp"
#include "core/duration.hpp"
#include "log/log.hpp"
#include "migrate/error_location.hpp"
#include "migrate/lock.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

using Durations = std::unordered_map<long long, std::optional<Milliseconds>>;  // by version; a batch may hold thousands

// The durations the server measured: every (dbinit_version,
// dbinit_duration_ms) row among the answers (migrate/messages.hpp).
Durations durations_in(const std::vector<PgResult>& results) {
  Durations durations;
  for (const auto& owned : results) {
    const PGresult* result = owned.get();
    if (PQresultStatus(result) != PGRES_TUPLES_OK || PQnfields(result) != 2 ||
        std::string_view(PQfname(result, 0)) != "dbinit_version")
      continue;
    for (int row = 0; row < PQntuples(result); ++row)
      durations[std::atoll(PQgetvalue(result, row, 0))] =
          PQgetisnull(result, row, 1) ? std::nullopt : std::optional(Milliseconds(std::atoll(PQgetvalue(result, row, 1))));
  }
  return durations;
}

std::optional<Milliseconds> duration_of(const Durations& durations, const PlanStep& step) {
  const auto found = durations.find(step.migration->version);
  return found == durations.end() ? std::nullopt : found->second;
}

bool is_commit(const PgResult& result) {
  return PQresultStatus(result.get()) == PGRES_COMMAND_OK && std::string_view(PQcmdStatus(result.get())) == "COMMIT";
}

}  // namespace

PgMigrationDatabase::PgMigrationDatabase(Session& session, MessageContext context, Milliseconds lock_timeout)
    : session_(session), context_(std::move(context)), lock_timeout_(lock_timeout) {}

BatchOutcome PgMigrationDatabase::apply(const Batch& batch, bool table_exists) {
  return batch.kind == BatchKind::no_transaction ? apply_without_transaction(batch.steps.front(), table_exists)
                                                 : send_batch(batch, table_exists);
}

QueryOutcome PgMigrationDatabase::send(std::string_view sql) {
  return run_query(session_.connection(), sql, std::nullopt, session_.stop());
}

StepOutcome PgMigrationDatabase::interrupted(const QueryOutcome& outcome) {
  if (outcome.status == IoStatus::stopped) {
    StepOutcome stopped(StepResult::stopped);
    stopped.settled = outcome.settled;
    return stopped;
  }
  broken_ = true;
  return {StepResult::connection_lost, outcome.error};
}

StepOutcome PgMigrationDatabase::step_error(const std::string& file, const StatementError& error,
                                            std::optional<LineColumn> at) {
  // The record that opens a step going up is refused by the history table's
  // own constraints when the lock is busy or the version recorded already.
  const bool on_history = error.table == context_.table.table;
  if (error.sqlstate == lock_busy_sqlstate || (on_history && error.sqlstate == lock_busy_record_sqlstate))
    return {StepResult::lock_busy};
  if (error.sqlstate == applied_elsewhere_sqlstate || (on_history && error.sqlstate == recorded_already_record_sqlstate))
    return {StepResult::applied_elsewhere};
  if (is_table_lock_conflict(error.sqlstate)) return {StepResult::table_lock_conflict, file + ": " + error.message};
  // Any other error fails the step: its file's, or a baseline's check
  // (wrong_database_sqlstate), whose message says what it found.
  MigrationFailure failure;
  failure.file = file;
  failure.message = error.message;
  failure.sqlstate = error.sqlstate;
  failure.detail = error.detail;
  failure.at = at;
  return StepOutcome::failed_with(std::move(failure));
}

BatchOutcome PgMigrationDatabase::send_batch(const Batch& batch, bool table_exists) {
  const BatchMessage message = batch_message(context_, batch, !table_exists);
  const QueryOutcome outcome = send(message.sql);
  // A COMMIT answers each transaction block the server committed: one per
  // step, or one for a whole adoption (migration files hold no transaction
  // control: migration_set/set.hpp).
  BatchOutcome sent;
  const auto commits = static_cast<std::size_t>(std::count_if(outcome.results.begin(), outcome.results.end(), is_commit));
  const std::size_t committed =
      all_or_nothing(batch.kind) ? (commits > 0 ? batch.steps.size() : 0) : std::min(commits, batch.steps.size());
  const Durations durations = durations_in(outcome.results);
  for (std::size_t i = 0; i < committed; ++i) sent.committed.push_back(duration_of(durations, batch.steps[i]));
  if (outcome.status != IoStatus::ready) {
    sent.rest = interrupted(outcome);
    return sent;
  }
  const auto error = first_error(outcome.results);
  if (!error) return sent;
  std::vector<std::string_view> files;
  for (const auto& step : batch.steps)
    files.push_back(batch.kind == BatchKind::baseline ? std::string_view() : std::string_view(script_of(step).sql));
  const ErrorPlace place = locate_in_batch(message, files, error->position, outcome.results.size() - 1);
  sent.rest = step_error(script_of(batch.steps[place.step]).file_name, *error, place.at);
  end_batch(batch, sent);
  return sent;
}

void PgMigrationDatabase::end_batch(const Batch& batch, BatchOutcome& sent) {
  std::vector<long long> committed_up;
  for (std::size_t i = 0; i < sent.committed.size(); ++i)
    if (batch.steps[i].direction == Direction::up) committed_up.push_back(batch.steps[i].migration->version);
  const QueryOutcome ended = send(end_batch_sql(context_.table, !sent.committed.empty(), committed_up));
  if (ended.status != IoStatus::ready) {
    interrupted(ended);  // the next message finds out, or a stop ends the run anyway
  } else if (auto problem = first_error(ended.results)) {
    log::warn(phase, "ending the batch failed: " + problem->message + "; reconnecting", {{"sqlstate", problem->sqlstate}});
    broken_ = true;
  } else {
    const Durations durations = durations_in(ended.results);
    for (std::size_t i = 0; i < sent.committed.size(); ++i)
      if (auto duration = duration_of(durations, batch.steps[i])) sent.committed[i] = duration;
  }
}

// A -- dbinit:no-transaction migration: a session lock, a dirty mark first,
// then each statement alone (CREATE INDEX CONCURRENTLY refuses anything else).
BatchOutcome PgMigrationDatabase::apply_without_transaction(const PlanStep& step, bool table_exists) {
  const Migration& migration = *step.migration;
  const std::string& file = migration.up.file_name;
  const NoTransactionMessages messages = no_transaction_messages(context_, migration, !table_exists);
  BatchOutcome sent;
  bool dirty = false;
  std::size_t completed = 0;  // of the file's statements
  std::vector<PgResult> answer;
  // Sends one bookkeeping message; the outcome that ends the step when it did not succeed.
  auto bookkeeping = [&](const std::string& sql) -> std::optional<StepOutcome> {
    QueryOutcome outcome = send(sql);
    if (outcome.status != IoStatus::ready) return interrupted(outcome);
    if (auto error = first_error(outcome.results)) {
      return StepOutcome::failed_with({file, "the history bookkeeping failed: " + error->message, error->sqlstate,
                                       error->detail, std::nullopt, false, completed, dirty, {}});
    }
    answer = std::move(outcome.results);
    return std::nullopt;
  };
  if (auto end = bookkeeping(messages.take_lock)) {
    sent.rest = *end;
    return sent;
  }
  if (std::string_view(PQgetvalue(answer.back().get(), 0, 0)) != "t") {
    sent.rest = StepOutcome(StepResult::lock_busy);
    return sent;
  }
  // From here on the session lock is held; release it on every way out that
  // keeps the connection (a closed connection releases it by itself).
  auto release = [&](StepOutcome rest) {
    if (rest.result != StepResult::connection_lost && rest.result != StepResult::stopped) send(messages.release_lock);
    sent.rest = std::move(rest);
    return sent;
  };
  if (!messages.create_table.empty())
    if (auto end = bookkeeping(messages.create_table)) return release(*end);
  if (auto end = bookkeeping(messages.check_recorded)) return release(*end);
  if (PQntuples(answer.back().get()) > 0) return release(StepOutcome(StepResult::applied_elsewhere));
  if (auto end = bookkeeping(messages.mark_dirty)) return release(*end);
  dirty = true;

  const auto start = Clock::now();
  for (const auto& statement : messages.statements) {
    if (!statement.set_lock_timeout.empty())
      if (auto end = bookkeeping(statement.set_lock_timeout)) return release(*end);
    const QueryOutcome outcome = send_giving_way(statement.text, statement.gives_way, file);
    if (outcome.status != IoStatus::ready) {
      // Each statement commits alone: the dirty mark, not one answer, tells.
      StepOutcome rest = interrupted(outcome);
      rest.settled = false;
      rest.left_dirty = true;
      return release(rest);
    }
    const auto at = [&](std::optional<int> position) {
      return locate_in_statement(migration.up.sql, statement.offset, statement.text, position);
    };
    const auto error = first_error(outcome.results);
    if (!error) ++completed;
    // A failed or interrupted build leaves its index behind, invalid; one
    // that IF NOT EXISTS skipped because such an index exists succeeds, and
    // the index stays invalid. Neither may pass for applied.
    std::vector<InvalidIndex> invalid;
    if (statement.builds_index) invalid = find_invalid_indexes(messages.check_invalid_indexes).value_or(invalid);
    if (error) {
      MigrationFailure failure{file,  error->message, error->sqlstate, error->detail, at(error->position),
                               false, completed,      true,            std::move(invalid)};
      return release(StepOutcome::failed_with(std::move(failure)));
    }
    if (!invalid.empty()) {
      MigrationFailure failure{file, "the statement left an invalid index (a build that failed or was interrupted "
                                     "made it; IF NOT EXISTS does not build it again)",
                               "", "", at(std::nullopt), false, completed, true, std::move(invalid)};
      return release(StepOutcome::failed_with(std::move(failure)));
    }
  }
  const auto duration = since(start);
  if (auto end = bookkeeping(messages.reset_lock_timeout)) return release(*end);
  if (auto end = bookkeeping(mark_applied_sql(context_.table, migration, duration))) return release(*end);
  sent.committed.push_back(duration);
  return release(StepOutcome(StepResult::applied));
}

QueryOutcome PgMigrationDatabase::send_giving_way(std::string_view statement, bool gives_way, const std::string& file) {
  BackoffSchedule backoff(table_lock_backoff, random_seed());
  const auto deadline = Clock::now() + lock_timeout_;
  for (;;) {
    QueryOutcome outcome = send(statement);
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
    auto outcome = send(read_history_sql(context_.table));
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
    results = std::move(*again);
  }
  reread.history = history_from_results(results, context_.table);
  return reread;
}

bool PgMigrationDatabase::repair(long long version) {
  auto repaired = send(repair_sql(context_.table, version));
  return repaired.status == IoStatus::ready && !first_error(repaired.results) && !repaired.results.empty() &&
         std::string_view(PQcmdTuples(repaired.results.back().get())) == "1";
}

std::optional<std::vector<InvalidIndex>> PgMigrationDatabase::invalid_indexes(const Migration& migration) {
  const std::string check = invalid_indexes_sql(migration);
  if (check.empty()) return std::vector<InvalidIndex>{};
  return find_invalid_indexes(check);
}

std::optional<std::vector<InvalidIndex>> PgMigrationDatabase::find_invalid_indexes(const std::string& check_sql) {
  const QueryOutcome outcome = send(check_sql);
  if (outcome.status != IoStatus::ready || first_error(outcome.results) || outcome.results.empty()) return std::nullopt;
  std::vector<InvalidIndex> found;
  const PGresult* rows = outcome.results.back().get();
  for (int row = 0; row < PQntuples(rows); ++row) found.push_back({PQgetvalue(rows, row, 0), PQgetvalue(rows, row, 1)});
  return found;
}

std::string PgMigrationDatabase::lock_holder() {
  auto outcome = run_query(session_.connection(), lock_holder_sql(context_.lock_key), Clock::now() + Milliseconds(5'000),
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
