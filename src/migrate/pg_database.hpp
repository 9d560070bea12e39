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
  PgMigrationDatabase(Session& session, MessageContext context);

  const MessageContext& context() const override { return context_; }
  BatchOutcome apply(const Batch& batch, bool table_exists) override;
  MessageAnswer send(const NoTransactionMessage& message) override;
  Reread reread() override;
  bool repair(long long version) override;
  std::optional<std::vector<InvalidIndex>> invalid_indexes(const Migration& migration) override;
  std::string lock_holder() override;
  std::string table_lock_holders() override;
  Clock::time_point now() override;
  std::optional<int> sleep(Milliseconds duration) override;
  std::optional<int> stop_signal() override;

 private:
  // After a failed step: close its block and make earlier commits durable.
  void end_batch(const Batch& batch, BatchOutcome& sent);
  QueryOutcome query(std::string_view sql);
  StepOutcome interrupted(const QueryOutcome& outcome);
  // What the server's error means for the step it stopped.
  StepOutcome step_error(const std::string& file, const StatementError& error, std::optional<LineColumn> at);

  Session& session_;
  MessageContext context_;
  bool broken_ = false;  // the connection failed; reread() reconnects
};

}  // namespace dbinit
