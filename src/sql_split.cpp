#include "sql_split.hpp"

#include <cctype>

namespace dbinit {

namespace {

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// $tag$ where tag is empty or an identifier not starting with a digit.
std::size_t dollar_tag_length(std::string_view sql, std::size_t at) {
  if (sql[at] != '$') return 0;
  std::size_t end = at + 1;
  if (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) return 0;
  while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
  return end < sql.size() && sql[end] == '$' ? end - at + 1 : 0;
}

// True when a statement holds something besides blanks and comments.
bool has_content(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_blank(text[i])) continue;
    if (text.substr(i, 2) == "--") {
      i = text.find('\n', i);
      if (i == std::string_view::npos) return false;
      continue;
    }
    if (text.substr(i, 2) == "/*") {
      i = text.find("*/", i + 2);
      if (i == std::string_view::npos) return false;
      ++i;
      continue;
    }
    return true;
  }
  return false;
}

std::size_t first_content(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_blank(text[i])) {
      ++i;
    } else if (text.substr(i, 2) == "--") {
      const auto end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (text.substr(i, 2) == "/*") {
      const auto end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

std::vector<SqlStatement> split_statements(std::string_view sql) {
  std::vector<SqlStatement> statements;
  std::size_t start = 0;
  auto finish = [&](std::size_t end) {
    const auto text = sql.substr(start, end - start);
    if (has_content(text)) {
      const auto skip = first_content(text);
      statements.push_back({text.substr(skip), start + skip});
    }
    start = end + 1;
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '-' && sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (c == '/' && sql.substr(i, 2) == "/*") {
      int depth = 1;
      for (i += 2; i < sql.size() && depth > 0; ++i) {
        if (sql.substr(i, 2) == "/*") ++depth, ++i;
        else if (sql.substr(i, 2) == "*/") --depth, ++i;
      }
      --i;
    } else if (c == '\'' || c == '"') {
      // E'...' strings allow backslash escapes; standard strings double the quote.
      const bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      for (++i; i < sql.size(); ++i) {
        if (escapes && sql[i] == '\\') ++i;
        else if (sql[i] == c && i + 1 < sql.size() && sql[i + 1] == c) ++i;
        else if (sql[i] == c) break;
      }
    } else if (const auto tag_length = dollar_tag_length(sql, i)) {
      const auto tag = sql.substr(i, tag_length);
      const auto close = sql.find(tag, i + tag_length);
      i = close == std::string_view::npos ? sql.size() : close + tag_length - 1;
    } else if (c == ';') {
      finish(i);
    }
  }
  if (start < sql.size()) finish(sql.size());
  return statements;
}

LineColumn line_column_at(std::string_view text, std::size_t offset) {
  LineColumn at{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++at.column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return at;
}

std::size_t byte_offset_of_character(std::string_view text, std::size_t character) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (seen++ == character) return i;
  }
  return text.size();
}

std::size_t character_count(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

}  // namespace dbinit
