#include "migrate/printing_database.hpp"

namespace dbinit {

namespace {

std::string describe_batch(const Batch& batch) {
  const std::string& first = script_of(batch.steps.front()).file_name;
  const std::string& last = script_of(batch.steps.back()).file_name;
  const std::string range = first + (batch.steps.size() > 1 ? " to " + last : "");
  switch (batch.kind) {
    case BatchKind::baseline:
      return "baseline: " + range + " recorded as applied without running them, in one transaction";
    case BatchKind::one_transaction:
      return "adopting the database: " + range + " in one transaction";
    case BatchKind::own_transactions:
    case BatchKind::no_transaction:
      break;
  }
  if (batch.steps.size() == 1) return first + " in its own transaction";
  return range + " (" + std::to_string(batch.steps.size()) + " migrations, each in its own transaction)";
}

}  // namespace

PrintingMigrationDatabase::PrintingMigrationDatabase(Session& session, MessageContext context)
    : session_(session), context_(std::move(context)) {
  print("read the history (every start sends it first)", read_history_sql(context_.table));
}

void PrintingMigrationDatabase::print(const std::string& what, std::string_view sql) {
  const std::string number = std::to_string(++count_);
  text_ += "-- message " + number + ": " + what + "\n" + std::string(sql);
  if (!sql.ends_with('\n')) text_ += '\n';
  text_ += "-- end of message " + number + "\n\n";
}

std::string PrintingMigrationDatabase::take_text() {
  if (steps_ == 0) text_ += "-- nothing to apply: the database is up to date\n";
  return std::move(text_);
}

std::optional<MigrationFailure> PrintingMigrationDatabase::check_baseline(const Batch& batch) {
  const std::string check = baseline_check_sql(batch.steps);
  if (check.empty()) return std::nullopt;
  const QueryOutcome outcome = run_query(session_.connection(), check, std::nullopt, session_.stop());
  std::optional<StatementError> error = first_error(outcome.results);
  if (outcome.status != IoStatus::ready)
    error = StatementError{.message = "the check that this is the database the baseline was made for did not "
                                      "complete: " + outcome.error,
                           .sqlstate = "",
                           .position = std::nullopt,
                           .detail = "",
                           .table = ""};
  if (!error) return std::nullopt;
  return MigrationFailure{.file = script_of(batch.steps.front()).file_name,
                          .message = error->message,
                          .sqlstate = error->sqlstate,
                          .detail = error->detail,
                          .at = std::nullopt,
                          .rolled_back = true,
                          .statements_completed = 0,
                          .left_dirty = false,
                          .invalid_indexes = {}};
}

BatchOutcome PrintingMigrationDatabase::apply(const Batch& batch, bool table_exists) {
  BatchOutcome sent;
  if (batch.kind == BatchKind::baseline)
    if (auto refused = check_baseline(batch)) {
      sent.rest = StepOutcome::failed_with(std::move(*refused));
      return sent;
    }
  print(describe_batch(batch), batch_message(context_, batch, !table_exists).sql);
  steps_ += static_cast<unsigned>(batch.steps.size());
  sent.committed.assign(batch.steps.size(), std::nullopt);
  return sent;
}

MessageAnswer PrintingMigrationDatabase::send(const NoTransactionMessage& message) {
  print(message.what, message.sql);
  if (message.kind == NoTransactionMessage::Kind::release_lock) ++steps_;
  // The lock is free; nobody else recorded the version; no index is invalid.
  return {.found = message.kind == NoTransactionMessage::Kind::take_lock};
}

Reread PrintingMigrationDatabase::reread() {
  // Not reached: nothing this database answers makes the run read again.
  return {.history = std::nullopt, .stop_signal = std::nullopt, .failure = ExitCode::internal};
}

bool PrintingMigrationDatabase::repair(long long version) {
  print("remove the dirty mark of version " + std::to_string(version), repair_sql(context_.table, version));
  return true;
}

std::optional<std::vector<InvalidIndex>> PrintingMigrationDatabase::invalid_indexes(const Migration& migration) {
  if (const std::string check = invalid_indexes_sql(migration); !check.empty())
    print("did an index build leave an invalid index?", check);
  return std::vector<InvalidIndex>{};
}

}  // namespace dbinit
