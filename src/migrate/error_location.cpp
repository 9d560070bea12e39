#include "migrate/error_location.hpp"

namespace dbinit {

ErrorPlace locate_in_batch(const BatchMessage& message, const std::vector<std::string_view>& files,
                           std::optional<int> position, std::size_t failed_statement) {
  if (position && *position >= 1) {
    const auto character = static_cast<std::size_t>(*position - 1);
    for (std::size_t step = 0; step < files.size(); ++step) {
      const std::size_t start = message.files[step].character_offset;
      if (character >= start && character < start + character_count(files[step]))
        return {step, line_column_at(files[step], byte_offset_of_character(files[step], character - start))};
    }
  }
  // Walk the statements: dbinit's own before a file, the file's, dbinit's after it.
  std::size_t index = failed_statement;
  for (std::size_t step = 0; step < files.size(); ++step) {
    const FileInMessage& place = message.files[step];
    if (index < place.statements_before_file) return {step, std::nullopt};
    index -= place.statements_before_file;
    const auto statements = split_statements(files[step]);
    if (index < statements.size()) return {step, line_column_at(files[step], statements[index].offset)};
    index -= statements.size();
    if (index < place.statements_after_file) return {step, std::nullopt};
    index -= place.statements_after_file;
  }
  return {files.empty() ? 0 : files.size() - 1, std::nullopt};
}

LineColumn locate_in_statement(std::string_view file_sql, std::size_t statement_offset, std::string_view statement,
                               std::optional<int> position) {
  std::size_t offset = statement_offset;
  if (position && *position >= 1) offset += byte_offset_of_character(statement, static_cast<std::size_t>(*position - 1));
  return line_column_at(file_sql, offset);
}

}  // namespace dbinit
