#pragma once
// What dbinit sends to apply or revert one migration. Pure: builds text.
//
// A transactional step is one message, one round trip, one transaction.
// Going up, the history row comes first and is itself the lock and the
// version check (step_sql.cpp), then the file, then the row's duration
// (written once for a whole batch); on a fresh database the lock and the
// history table come before the row. Going
// down, the lock and the version check in one statement, the file, the row
// deleted. A no-transaction step (CREATE INDEX
// CONCURRENTLY) is a session lock, a dirty mark, each statement alone, and
// the mark made "applied".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

#include "migrate/history.hpp"
#include "migrate/plan.hpp"
#include "migrate/set.hpp"

namespace dbinit {

struct ApplyMessage {
  std::string sql;
  std::size_t statements_before_file = 0;  // results that precede the file's own
  std::size_t file_character_offset = 0;   // where the file starts, in characters
  // The statement whose refusal means "lock busy" or "applied elsewhere"
  // (lock.hpp's *_record_sqlstate), when the record comes first.
  std::optional<std::size_t> record_guard_statement;
};
ApplyMessage apply_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                              bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout);
ApplyMessage apply_down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                Milliseconds table_lock_timeout);

// Several transactional steps in one message, one round trip: each in its
// own transaction block (BEGIN ... COMMIT), in order, every commit but the
// last asynchronous (why that is safe: step_sql.cpp). steps[i]'s
// file_character_offset is where its file starts in the whole message (the
// server's error positions count from there); its statements_before_file
// counts from the BEGIN that opens it.
struct BatchMessage {
  std::string sql;
  std::vector<ApplyMessage> steps;  // sql left empty
  // The last step went up: its transaction ends with durations_sql for
  // every step going up, the result just before the last COMMIT.
  bool durations_before_last_commit = false;
};
BatchMessage apply_batch_message(const HistoryTable& table, std::int64_t lock_key, const std::vector<PlanStep>& steps,
                                 bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout);

// Writes the durations of the steps going up that recorded versions, in the
// order they ran: each from its start (applied_at) to the next one's start,
// the last to now when last_ends_now, otherwise left unknown (NULL). One
// statement for a batch: a write per migration would cost the server about
// as much as a trivial migration. Returns each version and its duration.
std::string durations_sql(const HistoryTable& table, const std::vector<long long>& versions, bool last_ends_now);

// After a batch stopped at a failing step: close its transaction block and,
// when steps before it were committed asynchronously, make them durable,
// writing the durations of those that went up (committed_up).
std::string end_batch_sql(const HistoryTable& table, bool any_committed, const std::vector<long long>& committed_up);

std::string mark_dirty_sql(const HistoryTable& table, const Migration& migration, std::string_view applied_by);
std::string mark_applied_sql(const HistoryTable& table, const Migration& migration, long long duration_ms);

// "host (dbinit 0.1.0)": who applied a migration, for its history row.
std::string applied_by();

}  // namespace dbinit
