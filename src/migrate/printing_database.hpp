#pragma once
// `dbinit sql`'s database (migrate/database.hpp): the run (migrate/apply.hpp)
// goes through its plan as `dbinit migrate` would, and this prints each
// message instead of sending it, numbered, between "-- message N: what it
// does" and "-- end of message N". It answers as the server would when
// nothing else happens meanwhile: the locks free, no version recorded by
// another replica, every statement done. The one check whose answer makes
// migrate refuse before it changes anything, a baseline's (is this the
// database its migrations were made for?), only reads: it is sent to the
// server, so that `sql` refuses what `migrate` refuses, with the same exit
// code.
#include <string>

#include "migrate/database.hpp"
#include "pg/session.hpp"

namespace dbinit {

class PrintingMigrationDatabase final : public MigrationDatabase {
 public:
  // Prints the history read first: every start sends it.
  PrintingMigrationDatabase(Session& session, MessageContext context);

  // What was printed; a note when no step was.
  std::string take_text();

  const MessageContext& context() const override { return context_; }
  BatchOutcome apply(const Batch& batch, bool table_exists) override;
  MessageAnswer send(const NoTransactionMessage& message) override;
  Reread reread() override;
  bool repair(long long version) override;
  std::optional<std::vector<InvalidIndex>> invalid_indexes(const Migration& migration) override;
  std::string lock_holder() override { return {}; }
  std::string table_lock_holders() override { return {}; }
  Clock::time_point now() override { return Clock::time_point{}; }
  std::optional<int> sleep(Milliseconds) override { return std::nullopt; }
  std::optional<int> stop_signal() override { return session_.stop().received(); }

 private:
  void print(const std::string& what, std::string_view sql);
  // A baseline's check, sent; the failure when the server refuses it.
  std::optional<MigrationFailure> check_baseline(const Batch& batch);

  Session& session_;
  MessageContext context_;
  std::string text_;
  unsigned count_ = 0;
  unsigned steps_ = 0;
};

}  // namespace dbinit
