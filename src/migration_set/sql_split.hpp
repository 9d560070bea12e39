#pragma once
// Splits a migration file into statements the way the server will, so that
// a failing statement can be named by its line in the file, and so that
// no-transaction migrations (CREATE INDEX CONCURRENTLY cannot share a
// message with other statements) can be sent one statement at a time.
// Understands '...' and E'...' strings, "..." identifiers, $tag$ quoting,
// -- and nested /* */ comments, semicolons inside parentheses, and the
// BEGIN ATOMIC ... END bodies of CREATE FUNCTION and CREATE PROCEDURE.
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct SqlStatement {
  std::string_view text;  // without the terminating semicolon
  std::size_t offset;     // byte offset of the first non-blank character
};

std::vector<SqlStatement> split_statements(std::string_view sql);

struct LineColumn {
  int line;    // 1-based
  int column;  // 1-based, in characters
};

// Byte offset -> line and column in text.
LineColumn line_column_at(std::string_view text, std::size_t offset);
// The byte offset of the n-th character (0-based) of UTF-8 text, which is
// how the server reports error positions.
std::size_t byte_offset_of_character(std::string_view text, std::size_t character);
std::size_t character_count(std::string_view text);

}  // namespace dbinit
