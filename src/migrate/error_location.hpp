#pragma once
// Where in the migration file a failure happened. The server reports a
// position in the whole message dbinit sent (lock, checks, file, record), or
// no position at all for run-time errors; either way users want the line
// and column in their file.
#include <cstddef>
#include <optional>
#include <string_view>

#include "migrate/sql_split.hpp"
#include "migrate/step_sql.hpp"

namespace dbinit {

// position: the server's 1-based character position in the message, if any.
// failed_statement: index of the statement that failed within the message.
std::optional<LineColumn> locate_in_file(const ApplyMessage& message, std::string_view file_sql,
                                         std::optional<int> position, std::size_t failed_statement);

// The same for a statement sent alone (no-transaction migrations).
LineColumn locate_in_statement(std::string_view file_sql, const SqlStatement& statement, std::optional<int> position);

}  // namespace dbinit
