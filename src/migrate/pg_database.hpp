#pragma once
// The migrate phase's database (migrate/database.hpp) over a real session:
// the messages of migrate/messages.hpp sent with pg/connection.hpp, and
// their answers read back into outcomes.
#include <optional>
#include <string>

#include "migrate/database.hpp"
#include "migrate/messages.hpp"
#include "pg/session.hpp"

namespace dbinit {

class PgMigrationDatabase final : public MigrationDatabase {
 public:
  // lock_timeout: how long a no-transaction statement keeps trying after
  // table lock conflicts (--lock-timeout).
  PgMigrationDatabase(Session& session, MessageContext context, Milliseconds lock_timeout);

  BatchOutcome apply(const Batch& batch, bool table_exists) override;
  Reread reread() override;
  bool repair(long long version) override;
  std::optional<std::vector<InvalidIndex>> invalid_indexes(const Migration& migration) override;
  std::string lock_holder() override;
  std::string table_lock_holders() override;
  Clock::time_point now() override;
  std::optional<int> sleep(Milliseconds duration) override;
  std::optional<int> stop_signal() override;

 private:
  // One message for the whole batch, one round trip.
  BatchOutcome send_batch(const Batch& batch, bool table_exists);
  // After a failed step: close its block and make earlier commits durable.
  void end_batch(const Batch& batch, BatchOutcome& sent);
  // The other way: one no-transaction step, message after message.
  BatchOutcome apply_without_transaction(const PlanStep& step, bool table_exists);
  // One of its statements, tried again while it meets a table lock
  // conflict, within the lock timeout.
  QueryOutcome send_giving_way(std::string_view statement, bool gives_way, const std::string& file);
  QueryOutcome send(std::string_view sql);
  // The invalid indexes check_sql finds; nullopt when the query failed.
  std::optional<std::vector<InvalidIndex>> find_invalid_indexes(const std::string& check_sql);
  StepOutcome interrupted(const QueryOutcome& outcome);
  // What the server's error means for the step it stopped.
  StepOutcome step_error(const std::string& file, const StatementError& error, std::optional<LineColumn> at);

  Session& session_;
  MessageContext context_;
  Milliseconds lock_timeout_;
  bool broken_ = false;  // the connection failed; reread() reconnects
};

}  // namespace dbinit
