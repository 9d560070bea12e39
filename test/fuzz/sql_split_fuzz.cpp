// The SQL splitter, judged by PostgreSQL's own scanner (libpg_query's
// pg_query_split_with_scanner): where PostgreSQL's parser accepts the text
// (pg_query_parse), both end the statements at the same places.
//
// Text the server rejects is a failing migration however it is split, and
// there the scanner's split has quirks of its own (it drops a statement
// that does not start with a keyword, or is left inside parentheses). So
// such a text is judged without what the parser rejects: where the parser
// stops, the scanner's statement there (or, where the scanner dropped one,
// the text between two of its statements) becomes blanks, line breaks
// kept, until the parser accepts the rest (an error that names no place
// blanks the first statement the parser rejects alone; a lexical error,
// before any of this, blanks its line). PostgreSQL's
// regression scripts need it: they hold errors on purpose, psql's
// variables (:name), psql commands within a line (SELECT ... \gset) and
// the data of COPY ... FROM stdin, which psql sends apart from the SQL.
//
// SQL-standard function bodies (BEGIN ATOMIC ... END) hold semicolons that
// the server and psql keep inside the statement and the scanner splits at:
// a text with one is judged by the parser's own split
// (pg_query_split_with_parser) instead.
//
// The judge is libpg_query 17 (scripts/libpg-query-17), the parser
// dbinit-lint reads migrations with: the scanner of the newest server
// dbinit targets, whose rules for where a statement ends are those of 15.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "migration_set/sql_split.hpp"

namespace {

constexpr auto nowhere = std::string::npos;

bool mentions_atomic(const std::string& sql) {
  std::string upper(sql);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper.find("ATOMIC") != std::string::npos;
}

// Where the parser stops (a byte offset; nowhere when it gives no position),
// or nothing when it accepts the text.
std::optional<std::size_t> parse_error_at(const std::string& sql) {
  PgQueryParseResult parsed = pg_query_parse(sql.c_str());
  std::optional<std::size_t> at;
  if (parsed.error)
    at = parsed.error->cursorpos > 0  // 1-based, in characters
             ? dbinit::byte_offset_of_character(sql, static_cast<std::size_t>(parsed.error->cursorpos - 1))
             : nowhere;
  pg_query_free_parse_result(parsed);
  return at;
}

// scripts/fuzz --real-sql counts what the judge could rule on: a line per
// input, its verdict, how many statements (for "compared") and a hash of
// the text, since libFuzzer may run an input twice and it is counted once.
const char* report_path() { return std::getenv("DBINIT_FUZZ_REPORT"); }

void report(const std::string& sql, const std::string& verdict, std::size_t statements = 0) {
  if (const char* path = report_path())
    if (FILE* file = std::fopen(path, "a")) {
      std::fprintf(file, "%s\t%zu\t%zx\n", verdict.c_str(), statements, std::hash<std::string>{}(sql));
      std::fclose(file);
    }
}

// The text around `at` on one line, `at` marked with <END>.
std::string excerpt(const std::string& sql, std::size_t at) {
  const std::size_t from = at >= 60 ? at - 60 : 0;
  std::string shown = sql.substr(from, at - from) + "<END>" + sql.substr(at, 40);
  for (auto& c : shown)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return shown;
}

// Where the two splits part: the first statement end that is not the same,
// with its line, so that a run over whole files names the place.
void describe_difference(const char* judge, const std::string& sql, const std::vector<std::size_t>& ours,
                         const std::vector<std::size_t>& theirs) {
  std::size_t i = 0;
  while (i < ours.size() && i < theirs.size() && ours[i] == theirs[i]) ++i;
  const std::size_t begin = i == 0 ? 0 : ours[i - 1];
  std::fprintf(stderr, "split differs from PostgreSQL %s's %s: %zu statements here, %zu there; "
               "statement %zu (after line %d) ends\n", PG_VERSION, judge, ours.size(), theirs.size(), i + 1,
               dbinit::line_column_at(sql, begin).line);
  auto show = [&](const char* whose, const std::vector<std::size_t>& ends) {
    if (i < ends.size())
      std::fprintf(stderr, "  %s at line %d: ...%s\n", whose, dbinit::line_column_at(sql, ends[i]).line,
                   excerpt(sql, ends[i]).c_str());
    else
      std::fprintf(stderr, "  %s: no statement\n", whose);
  };
  show("here", ours);
  show("there", theirs);
}

std::vector<std::size_t> our_ends_of(const std::string& sql) {
  std::vector<std::size_t> ends;
  std::size_t previous = 0;
  for (const auto& statement : dbinit::split_statements(sql)) {
    const std::size_t begin = statement.offset, end = statement.offset + statement.text.size();
    if (end > sql.size() || begin < previous || sql.compare(begin, statement.text.size(), statement.text) != 0)
      std::abort();  // statements are in order, within the text, and are its bytes
    previous = end;
    ends.push_back(end);
  }
  return ends;
}

struct Piece {
  std::size_t begin, end;  // end: where its ';' is, or the end of the text
};

// The statements of PostgreSQL's scanner or of its parser (both report a
// statement from just past the previous ';' to its own ';'), or nothing
// where it rejects the text.
std::optional<std::vector<Piece>> pieces_of(const std::string& sql, bool by_parser) {
  PgQuerySplitResult split = by_parser ? pg_query_split_with_parser(sql.c_str())
                                       : pg_query_split_with_scanner(sql.c_str());
  std::optional<std::vector<Piece>> pieces;
  if (!split.error) {
    pieces.emplace();
    for (int i = 0; i < split.n_stmts; ++i) {
      const auto begin = static_cast<std::size_t>(split.stmts[i]->stmt_location);
      pieces->push_back({begin, begin + static_cast<std::size_t>(split.stmts[i]->stmt_len)});
    }
  }
  pg_query_free_split_result(split);
  return pieces;
}

// sql without the lines where the scanner finds a lexical error (123abc,
// a zero-length "" identifier, a bad Unicode escape: the scanner splits
// nothing before they are gone), or nothing where it names no place that
// is not blank already.
std::optional<std::string> without_lexical_errors(const std::string& sql) {
  std::string kept = sql;
  for (;;) {
    PgQuerySplitResult split = pg_query_split_with_scanner(kept.c_str());
    const int error_at = split.error ? split.error->cursorpos : -1;  // 1-based, in characters
    pg_query_free_split_result(split);
    if (error_at < 0) return kept;
    if (error_at == 0) return std::nullopt;
    const std::size_t at = dbinit::byte_offset_of_character(kept, static_cast<std::size_t>(error_at - 1));
    const std::size_t line_begin = at == 0 ? 0 : kept.find_last_of("\n\r", at - 1);
    const std::size_t line_end = kept.find_first_of("\n\r", at);
    bool blanked = false;
    for (std::size_t i = line_begin == nowhere ? 0 : line_begin; i < std::min(line_end, kept.size()); ++i)
      if (kept[i] != ' ' && kept[i] != '\n' && kept[i] != '\r') kept[i] = ' ', blanked = true;
    if (!blanked) return std::nullopt;
  }
}

// sql without what the parser rejects (see the top of this file), or
// nothing where the scanner rejects the text or the parser names no place
// that is not blank already.
std::optional<std::string> without_what_the_parser_rejects(const std::string& sql) {
  const auto pieces = pieces_of(sql, false);
  if (!pieces) return std::nullopt;
  std::string kept = sql;
  auto blank = [&kept](std::size_t begin, std::size_t end) {
    bool blanked = false;
    for (std::size_t at = begin; at < end && at < kept.size(); ++at)
      if (kept[at] != ' ' && kept[at] != '\n' && kept[at] != '\r') kept[at] = ' ', blanked = true;
    return blanked;
  };
  while (const auto error = parse_error_at(kept)) {
    std::size_t begin = 0, end = kept.size();
    if (*error == nowhere) {
      // Some errors name no place (an unknown option's value): the first
      // statement the parser rejects alone.
      const auto rejected = std::find_if(pieces->begin(), pieces->end(), [&kept](const Piece& piece) {
        return parse_error_at(kept.substr(piece.begin, piece.end - piece.begin)).has_value();
      });
      if (rejected == pieces->end()) return std::nullopt;
      begin = rejected->begin, end = rejected->end;
    } else {
      // The scanner's statement holding the error (up to and with its ';'),
      // else the text it dropped there: from the previous statement's ';' to
      // the next statement.
      for (const auto& piece : *pieces) {
        if (piece.begin <= *error && *error <= piece.end) {
          begin = piece.begin, end = piece.end;
          break;
        }
        if (piece.end < *error) begin = piece.end + 1;
        if (piece.begin > *error) {
          end = piece.begin;
          break;
        }
      }
    }
    if (!blank(begin, end)) return std::nullopt;
  }
  return kept;
}

// Our split against the judge's on a text the parser accepts; `reported`
// is the input as given, `kept` whether what the parser rejects was blanked.
void judge(const std::string& sql, const std::string& reported, bool kept) {
  const bool by_parser = mentions_atomic(sql);
  const auto ours = our_ends_of(sql);
  const auto pieces = pieces_of(sql, by_parser);
  if (!pieces) return report(reported, by_parser ? "skipped: the parser's split fails" : "skipped: the scanner rejects it");
  std::vector<std::size_t> theirs;
  for (const auto& piece : *pieces) theirs.push_back(piece.end);
  if (theirs == ours)
    return report(reported, std::string(kept ? "compared without what the parser rejects" : "compared") +
                                (by_parser ? ", by the parser's split (BEGIN ATOMIC)" : ""),
                  ours.size());
  describe_difference(by_parser ? "parser" : "scanner", sql, ours, theirs);
  // Over whole files (scripts/fuzz --real-sql) every difference is counted
  // and shown; the fuzzer stops at the first.
  if (!report_path()) std::abort();
  report(reported, "differs", ours.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libFuzzer runs an empty input first, before the files it is given.
  if (size == 0) return 0;
  const std::string sql(reinterpret_cast<const char*>(data), size);
  if (sql.find('\0') != std::string::npos) return 0;  // never in a file the server reads
  our_ends_of(sql);  // its own checks, on every input
  if (!parse_error_at(sql)) return judge(sql, sql, false), 0;
  const auto lexed = without_lexical_errors(sql);
  if (!lexed) return report(sql, "skipped: the scanner rejects it, nothing left to blank"), 0;
  const auto kept = without_what_the_parser_rejects(*lexed);
  if (!kept) return report(sql, "skipped: the parser rejects it, nothing left to blank"), 0;
  judge(*kept, sql, true);
  return 0;
}
