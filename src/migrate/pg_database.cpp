#include "migrate/pg_database.hpp"

#include <algorithm>
#include <unordered_map>

#include "log/log.hpp"
#include "migrate/error_location.hpp"
#include "migrate/lock.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

// How long the questions asked only for the log (who holds a lock) may take.
constexpr Milliseconds log_question_timeout{5'000};

using Durations = std::unordered_map<long long, std::optional<Milliseconds>>;  // by version; a batch may hold thousands

// The durations the server measured: every (dbinit_version,
// dbinit_duration_ms) row among the answers (migrate/messages.hpp).
Durations durations_in(const std::vector<PgResult>& results) {
  Durations durations;
  for (const auto& owned : results) {
    const Rows rows(owned.get());
    if (!rows.has("dbinit_version")) continue;
    for (int row = 0; row < rows.count(); ++row) {
      const auto duration = rows.value(row, "dbinit_duration_ms");
      durations[std::stoll(rows.text(row, "dbinit_version"))] =
          duration ? std::optional(Milliseconds(std::stoll(std::string(*duration)))) : std::nullopt;
    }
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

PgMigrationDatabase::PgMigrationDatabase(Session& session, MessageContext context)
    : session_(session), context_(std::move(context)) {}

QueryOutcome PgMigrationDatabase::query(std::string_view sql) {
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
  return StepOutcome::failed_with({.file = file,
                                   .message = error.message,
                                   .sqlstate = error.sqlstate,
                                   .detail = error.detail,
                                   .at = at,
                                   .rolled_back = true,
                                   .statements_completed = 0,
                                   .left_dirty = false,
                                   .invalid_indexes = {}});
}

// One message for the whole batch, one round trip.
BatchOutcome PgMigrationDatabase::apply(const Batch& batch, bool table_exists) {
  const BatchMessage message = batch_message(context_, batch, !table_exists);
  const QueryOutcome outcome = query(message.sql);
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
  const QueryOutcome ended = query(end_batch_sql(context_.table, !sent.committed.empty(), committed_up));
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

MessageAnswer PgMigrationDatabase::send(const NoTransactionMessage& message) {
  const QueryOutcome outcome = query(message.sql);
  if (outcome.status == IoStatus::stopped) return {.delivery = Delivery::stopped, .settled = outcome.settled};
  if (outcome.status != IoStatus::ready) {
    broken_ = true;
    return {.delivery = Delivery::connection_lost, .connection_error = outcome.error};
  }
  MessageAnswer answer{.error = first_error(outcome.results)};
  if (answer.error || outcome.results.empty()) return answer;
  const Rows rows(outcome.results.back().get());
  switch (message.kind) {
    case NoTransactionMessage::Kind::take_lock:
      answer.found = rows.text(0, std::string(lock_taken_column).c_str()) == "t";
      break;
    case NoTransactionMessage::Kind::check_recorded:
      answer.found = rows.count() > 0;
      break;
    case NoTransactionMessage::Kind::check_invalid_indexes:
      for (int row = 0; row < rows.count(); ++row)
        answer.invalid_indexes.push_back({.index = rows.text(row, "index_name"), .table = rows.text(row, "table_name")});
      break;
    default:
      break;
  }
  return answer;
}

Reread PgMigrationDatabase::reread() {
  Reread reread;
  std::vector<PgResult> results;
  if (!broken_) {
    auto outcome = query(read_history_sql(context_.table));
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
  auto repaired = query(repair_sql(context_.table, version));
  return repaired.status == IoStatus::ready && !first_error(repaired.results) && !repaired.results.empty() &&
         std::string_view(PQcmdTuples(repaired.results.back().get())) == "1";
}

std::optional<std::vector<InvalidIndex>> PgMigrationDatabase::invalid_indexes(const Migration& migration) {
  const std::string check = invalid_indexes_sql(migration);
  if (check.empty()) return std::vector<InvalidIndex>{};
  const MessageAnswer answer = send({.kind = NoTransactionMessage::Kind::check_invalid_indexes, .what = {}, .sql = check});
  if (answer.delivery != Delivery::answered || answer.error) return std::nullopt;
  return answer.invalid_indexes;
}

std::string PgMigrationDatabase::lock_holder() {
  auto outcome = run_query(session_.connection(), lock_holder_sql(context_.lock_key),
                           Clock::now() + log_question_timeout, session_.stop());
  if (outcome.status != IoStatus::ready || first_error(outcome.results) || outcome.results.empty())
    return "unknown (it may have just finished)";
  const Rows rows(outcome.results.back().get());
  if (rows.count() == 0) return "unknown (it may have just finished)";
  return "pid " + rows.text(0, "pid") + " application_name=" + rows.text(0, "application_name") +
         " client=" + rows.text(0, "client") + " for " + rows.text(0, "seconds") + "s";
}

std::string PgMigrationDatabase::table_lock_holders() {
  auto outcome = run_query(session_.connection(), table_lock_holders_sql(), Clock::now() + log_question_timeout,
                           session_.stop());
  if (outcome.status != IoStatus::ready || first_error(outcome.results) || outcome.results.empty())
    return "none found (the lock may have just been released)";
  const Rows rows(outcome.results.back().get());
  if (rows.count() == 0) return "none found (the lock may have just been released)";
  std::string text;
  for (int row = 0; row < rows.count(); ++row) {
    if (!text.empty()) text += "; ";
    text += "pid " + rows.text(row, "pid") + " application_name=" + rows.text(row, "application_name") + " " +
            rows.text(row, "state") + " for " + rows.text(row, "seconds") + "s on " + rows.text(row, "tables");
  }
  return text;
}

Clock::time_point PgMigrationDatabase::now() { return Clock::now(); }

std::optional<int> PgMigrationDatabase::sleep(Milliseconds duration) { return session_.stop().sleep(duration); }

std::optional<int> PgMigrationDatabase::stop_signal() { return session_.stop().received(); }

}  // namespace dbinit
