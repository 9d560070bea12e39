#include "migrate/error_location.hpp"

namespace dbinit {

std::optional<LineColumn> locate_in_file(const ApplyMessage& message, std::string_view file_sql,
                                         std::optional<int> position, std::size_t failed_statement) {
  const std::size_t file_characters = character_count(file_sql);
  if (position && *position >= 1) {
    const auto character = static_cast<std::size_t>(*position - 1);
    if (character >= message.file_character_offset && character < message.file_character_offset + file_characters)
      return line_column_at(file_sql, byte_offset_of_character(file_sql, character - message.file_character_offset));
  }
  if (failed_statement < message.statements_before_file) return std::nullopt;
  const auto statements = split_statements(file_sql);
  const auto index = failed_statement - message.statements_before_file;
  if (index >= statements.size()) return std::nullopt;
  return line_column_at(file_sql, statements[index].offset);
}

LineColumn locate_in_statement(std::string_view file_sql, const SqlStatement& statement, std::optional<int> position) {
  std::size_t offset = statement.offset;
  if (position && *position >= 1)
    offset += byte_offset_of_character(statement.text, static_cast<std::size_t>(*position - 1));
  return line_column_at(file_sql, offset);
}

}  // namespace dbinit
