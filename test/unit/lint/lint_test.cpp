#define BOOST_TEST_MODULE lint
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "lint/lint.hpp"

// Every rule with a migration that trips it and the safe way that does not,
// each after a first migration that made the tables: the app uses them.
using namespace dbinit::lint;

namespace {

constexpr const char* first_migration =
    "CREATE TABLE parents (id int PRIMARY KEY);\n"
    "CREATE TABLE t (id int PRIMARY KEY, a varchar(10), n numeric(10,2), b int, c text, p int);\n";

LintReport lint_after_tables(const std::string& second) {
  return lint_migrations({{"0001_tables.up.sql", first_migration}, {"0002_change.up.sql", second}});
}

// "rule@line" for each finding of the second migration.
std::vector<std::string> findings_of(const std::string& second) {
  const LintReport report = lint_after_tables(second);
  BOOST_TEST_REQUIRE(report.failures.empty(), second);
  std::vector<std::string> found;
  for (const auto& finding : report.findings)
    found.push_back(std::string(finding.rule->name) + "@" + std::to_string(finding.line));
  return found;
}

using Found = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_CASE(a_finding_says_where_what_it_costs_and_the_safe_way) {
  const LintReport report = lint_after_tables("\n-- why\nCREATE INDEX t_a\n  ON t (a);");
  BOOST_TEST_REQUIRE(report.findings.size() == 1u);
  BOOST_TEST(format_finding(report.findings[0]) ==
             "0002_change.up.sql:3: index-not-concurrent: CREATE INDEX blocks every write to t until the whole index "
             "is built; safe way: CREATE INDEX CONCURRENTLY, in a migration of its own that starts with "
             "-- dbinit:no-transaction");
}

BOOST_AUTO_TEST_CASE(only_volatile_defaults_rewrite_stable_and_constant_ones_do_not) {
  for (const char* rewrites :
       {"ALTER TABLE t ADD COLUMN r float8 DEFAULT random();",
        "ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT clock_timestamp();",
        "ALTER TABLE t ADD COLUMN r int DEFAULT (random() * 100)::int;", "ALTER TABLE t ADD COLUMN s bigserial;",
        "ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS IDENTITY;",
        "ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (b * 2) STORED;"})
    BOOST_TEST(findings_of(rewrites) == Found{"volatile-default@1"}, rewrites);
  for (const char* fine :
       {"ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT now();",
        "ALTER TABLE t ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP;",
        "ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT false;", "ALTER TABLE t ADD COLUMN note text;"})
    BOOST_TEST(findings_of(fine) == Found{}, fine);
}

BOOST_AUTO_TEST_CASE(a_type_change_passes_only_as_a_widening_the_set_can_see) {
  for (const char* widening :
       {"ALTER TABLE t ALTER COLUMN a TYPE text;", "ALTER TABLE t ALTER COLUMN a TYPE varchar;",
        "ALTER TABLE t ALTER COLUMN a TYPE character varying(10);", "ALTER TABLE t ALTER COLUMN n TYPE numeric;",
        "ALTER TABLE t ALTER COLUMN n TYPE decimal(20, 2);", "ALTER TABLE t ALTER COLUMN c TYPE varchar;"})
    BOOST_TEST(findings_of(widening) == Found{}, widening);
  for (const char* rewrite :
       {"ALTER TABLE t ALTER COLUMN a TYPE varchar(5);", "ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3);",
        "ALTER TABLE t ALTER COLUMN n TYPE numeric(8,2);", "ALTER TABLE t ALTER COLUMN c TYPE varchar(100);",
        "ALTER TABLE t ALTER COLUMN a TYPE text USING upper(a);",
        "ALTER TABLE elsewhere ALTER COLUMN a TYPE text;"})  // a table whose columns the set never showed
    BOOST_TEST(findings_of(rewrite) == Found{"rewriting-type-change@1"}, rewrite);
  // A widening judged against the type the set changed it to last.
  BOOST_TEST(findings_of("ALTER TABLE t ALTER COLUMN a TYPE varchar(50);\nALTER TABLE t ALTER COLUMN a TYPE "
                         "varchar(20);") == Found{"rewriting-type-change@2"});
}

BOOST_AUTO_TEST_CASE(set_not_null_needs_the_check_validated_not_only_added) {
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;\n"
                         "ALTER TABLE t ALTER COLUMN b SET NOT NULL;") == Found{"set-not-null@2"});
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;\n"
                         "ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\n"
                         "ALTER TABLE t ALTER COLUMN b SET NOT NULL;") ==
             (Found{"validate-in-same-transaction@2", "set-not-null@3"}));
  // The check may come from an earlier migration of the set.
  const LintReport report = lint_migrations(
      {{"0001_tables.up.sql", first_migration},
       {"0002_check.up.sql", "ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;"},
       {"0003_validate.up.sql", "ALTER TABLE t VALIDATE CONSTRAINT t_b_nn;"},
       {"0004_not_null.up.sql", "ALTER TABLE t ALTER COLUMN b SET NOT NULL;"}});
  BOOST_TEST(report.findings.empty());
}

BOOST_AUTO_TEST_CASE(check_constraints_and_unique_columns_trip_like_their_alter_table_forms) {
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_b_positive CHECK (b > 0);") ==
             Found{"constraint-without-not-valid@1"});
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_b_positive CHECK (b > 0) NOT VALID;") == Found{});
  BOOST_TEST(findings_of("ALTER TABLE t ADD PRIMARY KEY (a);") == Found{"unique-constraint-builds-index@1"});
  BOOST_TEST(findings_of("ALTER TABLE t ADD COLUMN code text UNIQUE;") == Found{"unique-constraint-builds-index@1"});
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id;") == Found{});
}

BOOST_AUTO_TEST_CASE(a_table_created_earlier_in_the_same_migration_is_exempt) {
  // Every rule about a table the app uses, on one it does not use yet.
  BOOST_TEST(findings_of("CREATE TABLE fresh (id int, a varchar(10), b int, c text, p int);\n"
                         "CREATE INDEX fresh_a ON fresh (a);\n"
                         "DROP INDEX fresh_a;\n"
                         "REINDEX TABLE fresh;\n"
                         "ALTER TABLE fresh ADD COLUMN u uuid DEFAULT gen_random_uuid();\n"
                         "ALTER TABLE fresh ALTER COLUMN b TYPE bigint;\n"
                         "ALTER TABLE fresh ALTER COLUMN b SET NOT NULL;\n"
                         "ALTER TABLE fresh ADD CONSTRAINT fresh_p_fkey FOREIGN KEY (p) REFERENCES parents (id);\n"
                         "ALTER TABLE fresh ADD COLUMN q int REFERENCES parents (id) DEFAULT 0;\n"
                         "ALTER TABLE fresh ADD CONSTRAINT fresh_c CHECK (c <> '') NOT VALID;\n"
                         "ALTER TABLE fresh VALIDATE CONSTRAINT fresh_c;\n"
                         "ALTER TABLE fresh ADD CONSTRAINT fresh_a_key UNIQUE (a);\n"
                         "ALTER TABLE fresh DROP COLUMN c;\n"
                         "ALTER TABLE fresh RENAME COLUMN a TO title;\n"
                         "VACUUM FULL fresh;\n"
                         "CLUSTER fresh USING fresh_a;\n"
                         "LOCK TABLE fresh IN ACCESS EXCLUSIVE MODE;\n"
                         "TRUNCATE fresh;\n"
                         "UPDATE fresh SET b = 0;\n"
                         "DELETE FROM fresh;\n"
                         "DROP TABLE fresh;") == Found{});
  // ... and only in that migration: the next one may run months later.
  const LintReport report = lint_migrations({{"0001_fresh.up.sql", "CREATE TABLE fresh (id int, a text);"},
                                             {"0002_index.up.sql", "CREATE INDEX fresh_a ON fresh (a);"}});
  BOOST_TEST_REQUIRE(report.findings.size() == 1u);
  BOOST_TEST(report.findings[0].file == "0002_index.up.sql");
  BOOST_TEST(findings_of("CREATE TABLE copy AS SELECT * FROM t;\nCREATE INDEX copy_a ON copy (a);") == Found{});
}

BOOST_AUTO_TEST_CASE(an_ignore_comment_with_a_reason_silences_its_rule_on_its_statement) {
  BOOST_TEST(findings_of("-- dbinit:lint-ignore truncate t holds a cache the app refills\nTRUNCATE t;") == Found{});
  BOOST_TEST(findings_of("TRUNCATE t; -- dbinit:lint-ignore truncate a cache the app refills\nTRUNCATE t;") ==
             Found{"truncate@2"});
  BOOST_TEST(findings_of("-- dbinit:lint-ignore truncate a cache\n-- refilled by the app\n\nTRUNCATE t;\n"
                         "TRUNCATE t;") == Found{"truncate@5"});
  // Another rule's ignore silences nothing here.
  BOOST_TEST(findings_of("-- dbinit:lint-ignore drop-table a cache\nTRUNCATE t;") == Found{"truncate@2"});
  // Two rules on one statement, two comments.
  BOOST_TEST(findings_of("-- dbinit:lint-ignore drop-column c was never read\n"
                         "-- dbinit:lint-ignore rename the app reads both names since release 4\n"
                         "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t RENAME a TO title;") == Found{"rename@4"});
}

BOOST_AUTO_TEST_CASE(an_ignore_comment_that_cannot_silence_is_a_finding_itself) {
  BOOST_TEST(findings_of("-- dbinit:lint-ignore truncate\nTRUNCATE t;") == (Found{"bad-lint-ignore@1", "truncate@2"}));
  BOOST_TEST(findings_of("TRUNCATE t; -- dbinit:lint-ignore truncation a cache") ==
             (Found{"bad-lint-ignore@1", "truncate@1"}));
  BOOST_TEST(findings_of("SELECT 1;\n-- dbinit:lint-ignore truncate nothing follows\n") == Found{"bad-lint-ignore@2"});
  // Text that only looks like one is not one.
  BOOST_TEST(findings_of("SELECT '-- dbinit:lint-ignore truncate x';\n/* dbinit:lint-ignore truncate x */ SELECT 1;") ==
             Found{});
}

BOOST_AUTO_TEST_CASE(a_file_the_parser_refuses_is_named_with_postgresqls_message_and_exit_2) {
  const LintReport report = lint_migrations({{"0001_bad.up.sql", "CREATE TABLE t (id int);\n\nALTER TABEL t ADD b int;"},
                                             {"0002_fine.up.sql", "TRUNCATE t;"}});
  BOOST_TEST_REQUIRE(report.failures.size() == 1u);
  BOOST_TEST(format_failure(report.failures[0]) ==
             "0001_bad.up.sql:3:7: PostgreSQL's parser refuses the file: syntax error at or near \"TABEL\"");
  BOOST_TEST(report.files_parsed == 1u);
  BOOST_TEST(report.findings.size() == 1u);  // the other files are still read
  BOOST_TEST(lint_exit_code(report) == 2);
}

BOOST_AUTO_TEST_CASE(exit_code_is_0_when_clean_and_1_with_findings) {
  BOOST_TEST(lint_exit_code(lint_after_tables("ALTER TABLE t ADD COLUMN d int;")) == 0);
  BOOST_TEST(lint_exit_code(lint_after_tables("TRUNCATE t;")) == 1);
  BOOST_TEST(lint_exit_code(lint_migrations({})) == 0);
  BOOST_TEST(lint_exit_code(lint_migrations({{"0001_comment.up.sql", "-- nothing yet\n"}})) == 0);
}

BOOST_AUTO_TEST_CASE(a_table_a_pending_migration_creates_is_an_exemption_not_a_finding) {
  // As dbinit lint with a database says: 0001 ran there, 0002 and 0003 are pending.
  const LintReport report = lint_migrations(
      {{"0001_tables.up.sql", first_migration, false},
       {"0002_notes.up.sql", "CREATE TABLE notes (id int, body text);", true},
       {"0003_index.up.sql", "CREATE INDEX notes_body ON notes (body);\nCREATE INDEX t_a ON t (a);", true}});
  BOOST_TEST_REQUIRE(report.findings.size() == 1u);  // t exists there: 0001 made it
  BOOST_TEST(report.findings[0].subject == "t");
  BOOST_TEST_REQUIRE(report.exemptions.size() == 1u);
  BOOST_TEST(format_exemption(report.exemptions[0]) ==
             "0003_index.up.sql:1: index-not-concurrent: exempt: notes does not exist yet on the database: "
             "0002_notes.up.sql, which creates it, is still pending there");
  // Exemptions alone leave the set clean.
  const LintReport exempt_only = lint_migrations({{"0001_notes.up.sql", "CREATE TABLE notes (id int);", true},
                                                  {"0002_truncate.up.sql", "TRUNCATE notes;", true}});
  BOOST_TEST(exempt_only.findings.empty());
  BOOST_TEST(exempt_only.exemptions.size() == 1u);
  BOOST_TEST(lint_exit_code(exempt_only) == 0);
}

BOOST_AUTO_TEST_CASE(postgresql_16_and_17_syntax_is_linted_not_refused) {
  const LintReport report = lint_after_tables(
      "SELECT * FROM (SELECT 1);\n"
      "CREATE VIEW tags AS SELECT jt.* FROM t, JSON_TABLE('[1]'::jsonb, '$[*]' COLUMNS (n int PATH '$')) AS jt;\n"
      "SELECT JSON_OBJECT('a': 1), MERGE_ACTION() IS NULL FROM t WHERE false;\n"
      "TRUNCATE t;");
  BOOST_TEST(report.failures.empty());
  BOOST_TEST(findings_of(
                 "SELECT * FROM (SELECT 1);\nCREATE VIEW tags AS SELECT jt.* FROM t, JSON_TABLE('[1]'::jsonb, "
                 "'$[*]' COLUMNS (n int PATH '$')) AS jt;\nTRUNCATE t;") == Found{"truncate@3"});
}

BOOST_AUTO_TEST_CASE(a_default_calling_the_apps_own_function_says_why_it_rewrites) {
  const auto note_of = [](const std::string& second) {
    const LintReport report = lint_after_tables(second);
    BOOST_TEST_REQUIRE(report.findings.size() == 1u, second);
    BOOST_TEST(report.findings[0].rule == &rules::volatile_default);
    return report.findings[0].note;
  };
  BOOST_TEST(note_of("CREATE FUNCTION code() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'x'; END $$;\n"
                     "ALTER TABLE t ADD COLUMN code text DEFAULT code();") ==
             "code() is declared in 0002_change.up.sql without a volatility, which makes it VOLATILE");
  BOOST_TEST(note_of("CREATE FUNCTION code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$ BEGIN RETURN 'x'; END $$;\n"
                     "ALTER TABLE t ADD COLUMN code text DEFAULT upper(code());") ==
             "code() is declared VOLATILE in 0002_change.up.sql");
  BOOST_TEST(note_of("ALTER TABLE t ADD COLUMN code text DEFAULT public.make_code();") ==
             "make_code() is not defined in the set, so lint cannot see its volatility: taken as VOLATILE, "
             "PostgreSQL's default; if it is STABLE or IMMUTABLE, say so in an ignore comment");
  // Declared in an earlier migration, made STABLE later: no rewrite.
  const LintReport report = lint_migrations(
      {{"0001_tables.up.sql", first_migration},
       {"0002_code.up.sql", "CREATE FUNCTION code() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'x'; END $$;"},
       {"0003_stable.up.sql", "ALTER FUNCTION code() STABLE;"},
       {"0004_column.up.sql", "ALTER TABLE t ADD COLUMN code text DEFAULT code();"}});
  BOOST_TEST(report.findings.empty());
  BOOST_TEST(findings_of("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT statement_timestamp();") == Found{});
}

BOOST_AUTO_TEST_CASE(a_renamed_table_keeps_its_column_types_and_its_exemption) {
  BOOST_TEST(findings_of("ALTER TABLE t RENAME TO items;\nALTER TABLE items ALTER COLUMN a TYPE varchar(255);\n"
                         "ALTER TABLE items ALTER COLUMN a TYPE varchar(5);") ==
             (Found{"rename@1", "rewriting-type-change@3"}));
  BOOST_TEST(findings_of("ALTER TABLE t RENAME COLUMN a TO title;\nALTER TABLE t ALTER COLUMN title TYPE text;") ==
             Found{"rename@1"});
  // Created in this migration under another name: still new.
  BOOST_TEST(findings_of("CREATE TABLE draft (id int);\nALTER TABLE draft RENAME TO notes;\nTRUNCATE notes;") ==
             Found{});
}

BOOST_AUTO_TEST_CASE(a_no_transaction_migration_validates_under_its_own_lock) {
  BOOST_TEST(findings_of("ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;\n"
                         "ALTER TABLE t VALIDATE CONSTRAINT t_b_nn;") == Found{"validate-in-same-transaction@2"});
  const LintReport report = lint_migrations(
      {{"0001_tables.up.sql", first_migration},
       {.file = "0002_check.up.sql",
        .sql = "-- dbinit:no-transaction\nALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;\n"
               "ALTER TABLE t VALIDATE CONSTRAINT t_b_nn;",
        .pending = false,
        .no_transaction = true}});
  BOOST_TEST(report.findings.empty());
  // The new table's foreign key to a live one: the lock is on the live one.
  BOOST_TEST(findings_of("CREATE TABLE copies AS SELECT id, p FROM t;\n"
                         "ALTER TABLE copies ADD CONSTRAINT c_p FOREIGN KEY (p) REFERENCES parents (id) NOT VALID;\n"
                         "ALTER TABLE copies VALIDATE CONSTRAINT c_p;") == Found{"validate-in-same-transaction@3"});
}

BOOST_AUTO_TEST_CASE(the_directive_is_the_first_line_alone) {
  BOOST_TEST(has_no_transaction_directive("-- dbinit:no-transaction\nSELECT 1;"));
  BOOST_TEST(has_no_transaction_directive("-- dbinit:no-transaction \r\nSELECT 1;"));
  BOOST_TEST(!has_no_transaction_directive("SELECT 1;\n-- dbinit:no-transaction\n"));
  BOOST_TEST(!has_no_transaction_directive("-- dbinit:no-transactions\n"));
}
