// An ignore comment that cannot silence anything (no rule of that name, no
// reason, no statement after it) is a finding itself: whoever wrote it
// believes a finding is silenced. lint.cpp reads the comments and reports
// this rule; it has no statement to look at.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

constexpr std::string_view bad[] = {
    "-- dbinit:lint-ignore truncate\nTRUNCATE t;",
    "TRUNCATE t; -- dbinit:lint-ignore truncation t is a cache",
    "SELECT 1;\n-- dbinit:lint-ignore truncate nothing follows\n",
};
constexpr std::string_view good[] = {
    "-- dbinit:lint-ignore truncate t holds a cache the app refills\nTRUNCATE t;",
    "TRUNCATE t; -- dbinit:lint-ignore truncate a cache the app refills",
};

}  // namespace

extern const Rule bad_lint_ignore{
    .name = "bad-lint-ignore",
    .found_on = "an ignore comment without a reason, naming no rule, or standing before no statement",
    .cost = "this ignore comment {}, so it silences nothing",
    .subject_in_docs = "names no rule, gives no reason or stands before no statement",
    .safe_way = "-- dbinit:lint-ignore RULE reason, on the line before the statement or on the statement's own line",
    .bad = bad,
    .good = good,
};

}  // namespace dbinit::lint::rules
