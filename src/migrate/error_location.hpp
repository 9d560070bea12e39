#pragma once
// Where in a migration file a failure happened. The server reports a
// character position in the whole message dbinit sent (settings, lock,
// record, files), or, for a run-time error, none: only which statement of
// the message failed. Either way users want the file, line and column.
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "migrate/messages.hpp"
#include "migration_set/sql_split.hpp"

namespace dbinit {

struct ErrorPlace {
  std::size_t step = 0;          // which of the batch's files
  std::optional<LineColumn> at;  // nullopt: in dbinit's own statements
};

// files: the batch's files, in order (the text of message.files' steps).
// position: the server's 1-based character position in the message, if any.
// failed_statement: the index of the statement that failed in the message.
ErrorPlace locate_in_batch(const BatchMessage& message, const std::vector<std::string_view>& files,
                           std::optional<int> position, std::size_t failed_statement);

// The same for a statement sent alone (no-transaction migrations).
LineColumn locate_in_statement(std::string_view file_sql, std::size_t statement_offset, std::string_view statement,
                               std::optional<int> position);

}  // namespace dbinit
