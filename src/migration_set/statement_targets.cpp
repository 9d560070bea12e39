#include "migration_set/statement_targets.hpp"

#include <cctype>

#include "core/text.hpp"

namespace dbinit {

namespace {

// The statement's tokens from the start: words and names (a.b, "Quoted"),
// lower-cased unless quoted, and single punctuation characters; comments
// and blanks skipped.
class Tokens {
 public:
  explicit Tokens(std::string_view text) : text_(text) {}

  // The next token; empty at the end.
  std::string next() {
    skip_blanks();
    if (at_ >= text_.size()) return {};
    if (!starts_name(text_[at_])) return std::string(1, text_[at_++]);
    std::string name;
    for (;;) {
      name += part();
      if (at_ < text_.size() && text_[at_] == '.' && at_ + 1 < text_.size() && starts_name(text_[at_ + 1])) {
        name += text_[at_++];
        continue;
      }
      return name;
    }
  }

 private:
  static bool starts_name(char c) {
    return c == '"' || c == '_' || std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  }
  static bool continues_word(char c) {
    return c == '_' || c == '$' || std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  }
  // One part of a name: a quoted identifier as written, or a word lower-cased.
  std::string part() {
    const std::size_t start = at_;
    if (text_[at_] == '"') {
      for (++at_; at_ < text_.size(); ++at_) {
        if (text_[at_] != '"') continue;
        if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
          ++at_;
          continue;
        }
        ++at_;
        break;
      }
      return std::string(text_.substr(start, at_ - start));
    }
    while (at_ < text_.size() && continues_word(text_[at_])) ++at_;
    return lower(text_.substr(start, at_ - start));
  }
  void skip_blanks() {
    for (;;) {
      while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
      if (text_.substr(at_).starts_with("--")) {
        const auto end = text_.find_first_of("\r\n", at_);
        at_ = end == std::string_view::npos ? text_.size() : end;
      } else if (text_.substr(at_).starts_with("/*")) {
        int depth = 0;  // comments nest, as in the server's scanner
        do {
          if (text_.substr(at_).starts_with("/*")) {
            ++depth;
            at_ += 2;
          } else if (text_.substr(at_).starts_with("*/")) {
            --depth;
            at_ += 2;
          } else {
            ++at_;
          }
        } while (depth > 0 && at_ < text_.size());
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table
std::optional<IndexBuild> create_index(Tokens& tokens) {
  std::string token = tokens.next();
  if (token == "unique") token = tokens.next();
  if (token != "index") return std::nullopt;
  for (token = tokens.next(); !token.empty() && token != "on"; token = tokens.next()) {
  }
  if (token.empty()) return std::nullopt;
  token = tokens.next();
  if (token == "only") token = tokens.next();
  if (token.empty() || token == "(") return std::nullopt;
  return IndexBuild{token};
}

// REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] [name]
std::optional<IndexBuild> reindex(Tokens& tokens) {
  std::string token = tokens.next();
  if (token == "(") {
    while (!token.empty() && token != ")") token = tokens.next();
    token = tokens.next();
  }
  if (token == "schema" || token == "database" || token == "system") return IndexBuild{};
  if (token != "index" && token != "table") return std::nullopt;
  token = tokens.next();
  if (token == "concurrently") token = tokens.next();
  if (token.empty()) return std::nullopt;
  return IndexBuild{token};
}

}  // namespace

std::optional<std::string> created_table(std::string_view statement) {
  Tokens tokens(statement);
  if (tokens.next() != "create") return std::nullopt;
  std::string token = tokens.next();
  if (token == "unlogged") token = tokens.next();
  if (token != "table") return std::nullopt;
  std::string name = tokens.next();
  if (name == "if") {
    if (tokens.next() != "not" || tokens.next() != "exists") return std::nullopt;
    name = tokens.next();
  }
  if (name.empty() || (name.size() == 1 && !std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_'))
    return std::nullopt;  // punctuation, not a name
  if (tokens.next() != "(") return std::nullopt;  // AS, OF, PARTITION OF: not a table of its own definition
  return name;
}

std::optional<IndexBuild> index_build(std::string_view statement) {
  Tokens tokens(statement);
  const std::string first = tokens.next();
  if (first == "create") return create_index(tokens);
  if (first == "reindex") return reindex(tokens);
  return std::nullopt;
}

}  // namespace dbinit
