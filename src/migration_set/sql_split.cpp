#include "migration_set/sql_split.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace dbinit {

namespace {

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// PostgreSQL's ident_cont: letters, digits, _, $ and any non-ASCII byte.
bool is_identifier_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) || c == '_' || c == '$' || byte >= 0x80;
}

// $tag$ where tag is empty or letters, digits, '_' and non-ASCII bytes, not
// starting with a digit, as PostgreSQL's dolq_start and dolq_cont ($é$ is a tag too).
std::size_t dollar_tag_length(std::string_view sql, std::size_t at) {
  if (sql[at] != '$') return 0;
  std::size_t end = at + 1;
  if (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) return 0;
  while (end < sql.size() && is_identifier_char(sql[end]) && sql[end] != '$') ++end;
  return end < sql.size() && sql[end] == '$' ? end - at + 1 : 0;
}

// Where the -- comment opened at `at` ends: at the next line break, which
// for PostgreSQL's scanner is '\n' or '\r' (a file with old Mac line ends,
// or a stray '\r', ends the comment there: what follows is SQL again).
std::size_t line_comment_end(std::string_view text, std::size_t at) {
  const auto end = text.find_first_of("\n\r", at);
  return end == std::string_view::npos ? text.size() : end;
}

// Where a '...' string closed just before `after` goes on: the server joins
// 'a'<newline>'b' into one literal, in the first one's kind, so that
// E'a'<newline>'\';' is one escaped string. Blanks and -- comments may sit
// between, but at least one line break; returns npos when it does not go on.
std::size_t continuation_quote(std::string_view sql, std::size_t after) {
  bool line_break = false;
  std::size_t i = after;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\n' || c == '\r') {
      line_break = true, ++i;
    } else if (c == ' ' || c == '\t' || c == '\f') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = line_comment_end(sql, i);
    } else {
      break;
    }
  }
  return line_break && i < sql.size() && sql[i] == '\'' ? i : std::string_view::npos;
}

// Just past the */ that closes the comment opened at `at`; comments nest.
std::size_t after_block_comment(std::string_view text, std::size_t at) {
  int depth = 0;
  for (std::size_t i = at; i + 1 < text.size(); ++i) {
    if (text.substr(i, 2) == "/*") {
      ++depth, ++i;
    } else if (text.substr(i, 2) == "*/") {
      ++i;
      if (--depth == 0) return i + 1;
    }
  }
  return text.size();
}

std::size_t first_content(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_blank(text[i])) {
      ++i;
    } else if (text.substr(i, 2) == "--") {
      i = line_comment_end(text, i);
    } else if (text.substr(i, 2) == "/*") {
      i = after_block_comment(text, i);
    } else {
      break;
    }
  }
  return i;
}

// True when a statement holds something besides blanks and comments.
bool has_content(std::string_view text) { return first_content(text) < text.size(); }

// Whether the statement's first words (upper case, at most four) begin
// CREATE [OR REPLACE] FUNCTION or PROCEDURE: the only statements whose body
// may be BEGIN ATOMIC ... END.
bool opens_a_routine(const std::vector<std::string>& words) {
  auto is_routine = [](const std::string& word) { return word == "FUNCTION" || word == "PROCEDURE"; };
  if (words.size() < 2 || words[0] != "CREATE") return false;
  if (is_routine(words[1])) return true;
  return words.size() >= 4 && words[1] == "OR" && words[2] == "REPLACE" && is_routine(words[3]);
}

}  // namespace

std::vector<SqlStatement> split_statements(std::string_view sql) {
  std::vector<SqlStatement> statements;
  std::size_t start = 0;
  // The statement's first words, for opens_a_routine.
  std::vector<std::string> leading_words;
  auto finish = [&](std::size_t end) {
    const auto text = sql.substr(start, end - start);
    if (has_content(text)) {
      const auto skip = first_content(text);
      statements.push_back({text.substr(skip), start + skip});
    }
    start = end + 1;
    leading_words.clear();
  };
  // SQL-standard function bodies (BEGIN ATOMIC ... END, PostgreSQL 14+)
  // hold semicolons; CASE ... END nests inside them. Tracked as psql does:
  // only in CREATE [OR REPLACE] FUNCTION or PROCEDURE and outside
  // parentheses, since elsewhere "begin atomic" is a column and its alias
  // (BEGIN and ATOMIC are unreserved keywords), and the ';' after it ends
  // the statement.
  int atomic_depth = 0;
  // Semicolons inside parentheses do not end a statement either
  // (CREATE RULE ... DO (INSERT ...; UPDATE ...)), as for psql and the
  // server's scanner; a stray ')' does not go below zero.
  int paren_depth = 0;
  std::string previous_word;
  // Just past the last dollar quote: its closing '$' ends a token, so a word
  // right after it starts an identifier ("$t$x$t$pag$$" is a quote, then
  // the identifier pag$$, as PostgreSQL's scanner reads it).
  std::size_t quote_end = 0;
  // Just past the last word that was E alone: a quote there opens an
  // escaped string (E'...'), as in the server's scanner, where E' is a token.
  std::size_t escape_prefix_end = std::string_view::npos;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    // An identifier starts with a letter, '_' or any non-ASCII byte, and
    // holds '$': "a$b$" and "\xff$tag$" are identifiers, not dollar quotes,
    // so no quote swallows the statements after them.
    const auto byte = static_cast<unsigned char>(c);
    if ((std::isalpha(byte) || c == '_' || byte >= 0x80) &&
        (i == 0 || i == quote_end || !is_identifier_char(sql[i - 1]))) {
      std::size_t end = i;
      while (end < sql.size() && is_identifier_char(sql[end])) ++end;
      std::string word(sql.substr(i, end - i));
      for (auto& letter : word) letter = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
      if (leading_words.size() < 4) leading_words.push_back(word);
      if (word == "ATOMIC" && previous_word == "BEGIN" && paren_depth == 0 && opens_a_routine(leading_words))
        ++atomic_depth;
      else if (atomic_depth > 0 && word == "CASE") ++atomic_depth;
      else if (atomic_depth > 0 && word == "END") --atomic_depth;
      if (word == "E") escape_prefix_end = end;
      previous_word = std::move(word);
      i = end - 1;  // a quote right after the word (E'...') is read next
      continue;
    }
    if (c == '-' && sql.substr(i, 2) == "--") {
      i = line_comment_end(sql, i);
    } else if (c == '/' && sql.substr(i, 2) == "/*") {
      i = after_block_comment(sql, i) - 1;
    } else if (c == '\'' || c == '"') {
      // E'...' strings allow backslash escapes; standard strings double the
      // quote. ESCAPE'\' is a keyword and a standard string, $$x$$E'\'' an
      // escaped one: the word rule above knows where a word starts.
      const bool escapes = c == '\'' && i == escape_prefix_end;
      for (++i; i < sql.size(); ++i) {
        if (escapes && sql[i] == '\\') {
          ++i;
        } else if (sql[i] == c && i + 1 < sql.size() && sql[i + 1] == c) {
          ++i;
        } else if (sql[i] == c) {
          const auto next = c == '\'' ? continuation_quote(sql, i + 1) : std::string_view::npos;
          if (next == std::string_view::npos) break;
          i = next;
        }
      }
    } else if (const auto tag_length = dollar_tag_length(sql, i)) {
      const auto tag = sql.substr(i, tag_length);
      const auto close = sql.find(tag, i + tag_length);
      i = close == std::string_view::npos ? sql.size() : close + tag_length - 1;
      quote_end = i + 1;
    } else if (c == '(') {
      ++paren_depth;
    } else if (c == ')') {
      paren_depth = paren_depth > 0 ? paren_depth - 1 : 0;
    } else if (c == ';' && atomic_depth == 0 && paren_depth == 0) {
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
