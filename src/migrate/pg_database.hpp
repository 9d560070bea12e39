#pragma once
// The migrate phase's database (migrate/database.hpp) over a real session:
// the messages of migrate/step_sql.hpp sent with pg/connection.hpp.
#include <cstdint>
#include <optional>
#include <string>

#include "migrate/database.hpp"
#include "migrate/lock.hpp"
#include "migrate/step_sql.hpp"
#include "pg/session.hpp"

namespace dbinit {

class PgMigrationDatabase final : public MigrationDatabase {
 public:
  // table_lock_timeout: --ddl-lock-timeout; lock_timeout: how long a
  // no-transaction statement keeps trying after table lock conflicts.
  PgMigrationDatabase(Session& session, HistoryTable table, Milliseconds table_lock_timeout, Milliseconds lock_timeout);

  StepOutcome apply(const PlanStep& step, bool table_exists) override;
  StepOutcome apply_together(const std::vector<PlanStep>& steps, bool table_exists) override;
  BatchOutcome apply_batch(const std::vector<PlanStep>& steps, bool table_exists) override;
  Reread reread() override;
  bool repair(long long version) override;
  std::string lock_holder() override;
  std::string table_lock_holders() override;
  Clock::time_point now() override;
  std::optional<int> sleep(Milliseconds duration) override;
  std::optional<int> stop_signal() override;

 private:
  StepOutcome apply_in_transaction(const PlanStep& step, bool table_exists);
  // One step's message inside a transaction the caller opened, or its own.
  StepOutcome send_step(const PlanStep& step, bool table_exists);
  StepOutcome apply_without_transaction(const PlanStep& step, bool table_exists);
  StepOutcome interrupted(const QueryOutcome& outcome);
  // What the server's error means for the step it stopped; logs a failure.
  StepOutcome step_error(const PlanStep& step, const StatementError& error, const ApplyMessage& message,
                         std::size_t failed_statement, Milliseconds duration);
  // One statement of a no-transaction migration, retried while it meets a
  // table lock conflict (within the lock timeout): its outcome.
  QueryOutcome run_without_transaction(std::string_view statement, const std::string& file);

  Session& session_;
  HistoryTable table_;
  std::int64_t lock_key_;
  std::string applied_by_;
  Milliseconds table_lock_timeout_;
  Milliseconds lock_timeout_;
  // The session's lock_timeout as last set, so that a SET is sent only when
  // it changes, not before every statement.
  std::optional<Milliseconds> session_lock_timeout_;
  bool broken_ = false;  // the connection failed; reread() reconnects
};

}  // namespace dbinit
