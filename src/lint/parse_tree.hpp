#pragma once
// One migration file read by PostgreSQL's own parser (libpg_query, the
// grammar of PostgreSQL 17): its statements as parse trees, where each
// begins, and, from a second pass of PostgreSQL's scanner, its comments,
// which the parser drops and the ignore comments live in, and where each
// statement's first word is. The trees are libpg_query's protobuf form, unpacked into the
// typed C structs of pg_query.pb-c.h, so that a rule reads fields the
// compiler checks, not strings out of JSON.
#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dbinit::lint {

struct ParsedStatement {
  const PgQuery__Node* node;
  std::size_t begin;        // byte offset just after the previous statement's ';' (0 for the first)
  std::size_t end;          // byte offset of its own ';', or the end of the text
  std::size_t first_token;  // byte offset of its first word: where the statement is, for a reader
                            // (begin until scan_sql has run)
};

struct SqlComment {
  std::size_t begin;
  std::string text;  // the whole comment, "--" or "/*" included
};

// PostgreSQL's message and where the parser stopped.
struct SyntaxError {
  std::string message;
  std::size_t offset;  // byte offset into the text
};

class ParsedSql {
 public:
  std::vector<ParsedStatement> statements;
  std::vector<SqlComment> comments;

 private:
  struct FreeTree {
    void operator()(PgQuery__ParseResult* tree) const;
  };
  std::unique_ptr<PgQuery__ParseResult, FreeTree> tree_;
  friend std::variant<ParsedSql, SyntaxError> parse_sql(std::string_view sql);
};

// The statements of `sql`, or why PostgreSQL refuses it.
std::variant<ParsedSql, SyntaxError> parse_sql(std::string_view sql);

// Adds the comments and each statement's first word, from PostgreSQL's
// scanner: about a third of the cost of reading a file, which lint pays
// only for a file with an ignore comment or a finding.
void scan_sql(std::string_view sql, ParsedSql& parsed);

}  // namespace dbinit::lint
