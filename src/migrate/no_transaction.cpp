#include "migrate/no_transaction.hpp"

#include <algorithm>

#include "core/duration.hpp"
#include "log/log.hpp"
#include "migrate/error_location.hpp"
#include "migrate/lock.hpp"

namespace dbinit {

namespace {

using Kind = NoTransactionMessage::Kind;

class WithoutTransaction {
 public:
  WithoutTransaction(MigrationDatabase& database, const Migration& migration, const ApplyRequest& request)
      : database_(database), migration_(migration), request_(request) {}

  BatchOutcome run(bool table_exists) {
    std::vector<NoTransactionMessage> messages =
        no_transaction_messages(database_.context(), migration_, !table_exists);
    release_lock_ = &messages.back();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      NoTransactionMessage& message = messages[i];
      switch (message.kind) {
        case Kind::statement: {
          const bool checked = i + 1 < messages.size() && messages[i + 1].kind == Kind::check_invalid_indexes;
          if (auto end = statement(message, checked ? &messages[i + 1] : nullptr)) return release(*end);
          continue;
        }
        case Kind::check_invalid_indexes:
          continue;  // sent with its statement
        case Kind::mark_applied:
          duration_ = std::chrono::duration_cast<Milliseconds>(database_.now() - started_);
          message.sql = mark_applied_sql(database_.context().table, migration_,
                                         database_.context().printed ? std::nullopt : std::optional(duration_));
          break;
        case Kind::release_lock:
          sent_.committed.push_back(duration_);
          return release(StepOutcome(StepResult::applied));
        default:
          break;
      }
      const MessageAnswer answer = database_.send(message);
      if (auto end = bookkeeping_failure(answer)) return locked_ ? release(*end) : end_with(*end);
      if (message.kind == Kind::take_lock) {
        if (!answer.found) return end_with(StepOutcome(StepResult::lock_busy));
        locked_ = true;
      } else if (message.kind == Kind::check_recorded && answer.found) {
        return release(StepOutcome(StepResult::applied_elsewhere));
      } else if (message.kind == Kind::mark_dirty) {
        dirty_ = true;
        started_ = database_.now();
      }
    }
    return end_with(StepOutcome(StepResult::applied));  // not reached: the list ends with release_lock
  }

 private:
  BatchOutcome end_with(StepOutcome rest) {
    sent_.rest = std::move(rest);
    return std::move(sent_);
  }

  // The session lock is held: release it on every way out that keeps the
  // connection (a closed connection releases it by itself).
  BatchOutcome release(StepOutcome rest) {
    if (rest.result != StepResult::connection_lost && rest.result != StepResult::stopped)
      database_.send(*release_lock_);  // its answer changes nothing: the step's outcome is known
    return end_with(std::move(rest));
  }

  StepOutcome interrupted(const MessageAnswer& answer) const {
    if (answer.delivery == Delivery::stopped) {
      StepOutcome stopped(StepResult::stopped);
      stopped.settled = answer.settled;
      return stopped;
    }
    return {StepResult::connection_lost, answer.connection_error};
  }

  // The outcome that ends the step when a bookkeeping message did not succeed.
  std::optional<StepOutcome> bookkeeping_failure(const MessageAnswer& answer) const {
    if (answer.delivery != Delivery::answered) return interrupted(answer);
    if (!answer.error) return std::nullopt;
    return StepOutcome::failed_with({.file = migration_.up.file_name,
                                     .message = "the history bookkeeping failed: " + answer.error->message,
                                     .sqlstate = answer.error->sqlstate,
                                     .detail = answer.error->detail,
                                     .at = std::nullopt,
                                     .rolled_back = false,
                                     .statements_completed = completed_,
                                     .left_dirty = dirty_,
                                     .invalid_indexes = {}});
  }

  // One of the file's statements, then, when it builds an index, the check
  // for the invalid index a failed or interrupted build leaves behind (one
  // that IF NOT EXISTS skipped succeeds, and the index stays invalid):
  // neither may pass for applied. nullopt: on to the next message.
  std::optional<StepOutcome> statement(const NoTransactionMessage& message, const NoTransactionMessage* check) {
    const MessageAnswer answer = send_giving_way(message);
    if (answer.delivery != Delivery::answered) {
      // Each statement commits alone: the dirty mark, not one answer, tells.
      StepOutcome rest = interrupted(answer);
      rest.settled = false;
      rest.left_dirty = true;
      return rest;
    }
    if (!answer.error) ++completed_;
    std::vector<InvalidIndex> invalid;
    if (check)
      if (MessageAnswer found = database_.send(*check); found.delivery == Delivery::answered && !found.error)
        invalid = std::move(found.invalid_indexes);
    const auto at = [&](std::optional<int> position) {
      return locate_in_statement(migration_.up.sql, message.offset, message.sql, position);
    };
    if (!answer.error && invalid.empty()) return std::nullopt;
    MigrationFailure failure{.file = migration_.up.file_name,
                             .message = "the statement left an invalid index (a build that failed or was interrupted "
                                        "made it; IF NOT EXISTS does not build it again)",
                             .sqlstate = "",
                             .detail = "",
                             .at = at(std::nullopt),
                             .rolled_back = false,
                             .statements_completed = completed_,
                             .left_dirty = true,
                             .invalid_indexes = std::move(invalid)};
    if (answer.error) {
      failure.message = answer.error->message;
      failure.sqlstate = answer.error->sqlstate;
      failure.detail = answer.error->detail;
      failure.at = at(answer.error->position);
    }
    return StepOutcome::failed_with(std::move(failure));
  }

  // A statement that gives way is tried again while it meets a table lock
  // conflict, backing off, until the lock timeout; its last answer stands.
  MessageAnswer send_giving_way(const NoTransactionMessage& message) {
    BackoffSchedule backoff(request_.table_lock_backoff, request_.seed + 2);
    const auto deadline = database_.now() + request_.lock_timeout;
    for (;;) {
      MessageAnswer answer = database_.send(message);
      if (!message.gives_way || !answer.error || !is_table_lock_conflict(answer.error->sqlstate) ||
          database_.now() >= deadline)
        return answer;
      const auto delay = std::min(backoff.next(), std::chrono::ceil<Milliseconds>(deadline - database_.now()));
      log::warn(log::Phase::migrate,
                "a statement of " + migration_.up.file_name + " gave way to a table lock; trying it again",
                {{"error", answer.error->message},
                 {"holders", database_.table_lock_holders()},
                 {"retry_in", format_duration(delay)}});
      if (database_.sleep(delay)) return {.delivery = Delivery::stopped};
    }
  }

  MigrationDatabase& database_;
  const Migration& migration_;
  const ApplyRequest& request_;
  const NoTransactionMessage* release_lock_ = nullptr;
  BatchOutcome sent_;
  bool locked_ = false;
  bool dirty_ = false;
  std::size_t completed_ = 0;  // of the file's statements
  Clock::time_point started_{};
  Milliseconds duration_{0};
};

}  // namespace

BatchOutcome apply_without_transaction(MigrationDatabase& database, const PlanStep& step, bool table_exists,
                                       const ApplyRequest& request) {
  return WithoutTransaction(database, *step.migration, request).run(table_exists);
}

}  // namespace dbinit
