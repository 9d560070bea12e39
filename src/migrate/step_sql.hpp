#pragma once
// What dbinit sends to apply or revert one migration. Pure: builds text.
//
// A transactional step is one message, one round trip, one transaction: the
// lock and the version check in one statement, the history table created if
// needed, the file, its history row. A no-transaction step (CREATE INDEX
// CONCURRENTLY) is a session lock, a dirty mark, each statement alone, and
// the mark made "applied".
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "migrate/history.hpp"
#include "migrate/set.hpp"

namespace dbinit {

struct ApplyMessage {
  std::string sql;
  std::size_t statements_before_file = 0;  // results that precede the file's own
  std::size_t file_character_offset = 0;   // where the file starts, in characters
};
ApplyMessage apply_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                              bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout);
ApplyMessage apply_down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                Milliseconds table_lock_timeout);

std::string mark_dirty_sql(const HistoryTable& table, const Migration& migration, std::string_view applied_by);
std::string mark_applied_sql(const HistoryTable& table, const Migration& migration, long long duration_ms);

// "host (dbinit 0.1.0)": who applied a migration, for its history row.
std::string applied_by();

}  // namespace dbinit
