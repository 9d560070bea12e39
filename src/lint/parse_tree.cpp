#include "lint/parse_tree.hpp"

#include <pg_query.h>

#include <algorithm>

#include "migration_set/sql_split.hpp"

namespace dbinit::lint {

namespace {

// libpg_query hands its results over in structs of its own, each freed by
// its own function: these hold them for the length of a scope.
struct ProtobufParse {
  PgQueryProtobufParseResult result;
  explicit ProtobufParse(const std::string& sql) : result(pg_query_parse_protobuf(sql.c_str())) {}
  ~ProtobufParse() { pg_query_free_protobuf_parse_result(result); }
  ProtobufParse(const ProtobufParse&) = delete;
  ProtobufParse& operator=(const ProtobufParse&) = delete;
};

struct Scan {
  PgQueryScanResult result;
  explicit Scan(const std::string& sql) : result(pg_query_scan(sql.c_str())) {}
  ~Scan() { pg_query_free_scan_result(result); }
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;
};

struct FreeScanTokens {
  void operator()(PgQuery__ScanResult* tokens) const { pg_query__scan_result__free_unpacked(tokens, nullptr); }
};

bool is_comment(const PgQuery__ScanToken& token) {
  return token.token == PG_QUERY__TOKEN__SQL_COMMENT || token.token == PG_QUERY__TOKEN__C_COMMENT;
}

SyntaxError syntax_error(std::string_view sql, const PgQueryError& error) {
  // cursorpos counts characters from 1, 0 when the error has no position.
  const std::size_t character = error.cursorpos > 0 ? static_cast<std::size_t>(error.cursorpos - 1) : 0;
  return {error.message ? error.message : "syntax error", byte_offset_of_character(sql, character)};
}

}  // namespace

void ParsedSql::FreeTree::operator()(PgQuery__ParseResult* tree) const {
  pg_query__parse_result__free_unpacked(tree, nullptr);
}

std::variant<ParsedSql, SyntaxError> parse_sql(std::string_view sql) {
  // The parser reads a C string: the text ends at a NUL byte, as in psql.
  const std::string text(sql.substr(0, sql.find('\0')));
  const ProtobufParse parse(text);
  if (parse.result.error) return syntax_error(text, *parse.result.error);
  ParsedSql parsed;
  parsed.tree_.reset(pg_query__parse_result__unpack(nullptr, parse.result.parse_tree.len,
                                                    reinterpret_cast<const uint8_t*>(parse.result.parse_tree.data)));
  if (!parsed.tree_) return SyntaxError{"libpg_query returned a parse tree it cannot read back", 0};
  for (std::size_t i = 0; i < parsed.tree_->n_stmts; ++i) {
    const PgQuery__RawStmt& raw = *parsed.tree_->stmts[i];
    const auto begin = static_cast<std::size_t>(raw.stmt_location);
    // A length of 0 means "to the end": the last statement without a ';'.
    const std::size_t end = raw.stmt_len > 0 ? begin + static_cast<std::size_t>(raw.stmt_len) : text.size();
    parsed.statements.push_back({raw.stmt, begin, end, begin});
  }
  return parsed;
}

void scan_sql(std::string_view sql, ParsedSql& parsed) {
  const std::string text(sql.substr(0, sql.find('\0')));
  const Scan scan(text);
  // The parser accepted the text: its scanner does too.
  if (scan.result.error) return;
  const std::unique_ptr<PgQuery__ScanResult, FreeScanTokens> scanned(pg_query__scan_result__unpack(
      nullptr, scan.result.pbuf.len, reinterpret_cast<const uint8_t*>(scan.result.pbuf.data)));
  if (!scanned) return;
  std::vector<std::size_t> word_starts;
  parsed.comments.clear();
  for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
    const PgQuery__ScanToken& token = *scanned->tokens[i];
    const auto begin = static_cast<std::size_t>(token.start);
    if (is_comment(token))
      parsed.comments.push_back({begin, text.substr(begin, static_cast<std::size_t>(token.end) - begin)});
    else
      word_starts.push_back(begin);
  }
  for (ParsedStatement& statement : parsed.statements) {
    const auto word = std::lower_bound(word_starts.begin(), word_starts.end(), statement.begin);
    statement.first_token = word == word_starts.end() ? statement.begin : *word;
  }
}

}  // namespace dbinit::lint
