#define BOOST_TEST_MODULE set
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "migration_set/checksum.hpp"
#include "migration_set/set.hpp"

using namespace dbinit;

namespace {

using Files = std::vector<MigrationFile>;

std::vector<Migration> load_migrations(const Files& files) {
  auto set = read_migration_set(files);
  BOOST_TEST_REQUIRE(set.error.empty(), set.error);
  return std::move(set.migrations);
}

// The refusal for a set, which must be refused.
std::string refusal(const Files& files) {
  const auto set = read_migration_set(files);
  BOOST_TEST(set.migrations.empty());
  BOOST_TEST(!set.error.empty(), "accepted");
  return set.error;
}

bool no_transaction(std::string sql) {
  const Files files{{"0001_a.up.sql", std::move(sql)}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 1u);
  return migrations[0].up.no_transaction;
}

std::optional<std::string> transaction_problem(const std::string& sql, bool no_transaction = false) {
  return transaction_control_problem(MigrationScript{"0002_x.up.sql", sql, no_transaction});
}

}  // namespace

BOOST_AUTO_TEST_CASE(pairs_up_and_down_files_sorted_by_version) {
  const Files files{
      {"0010_third.up.sql", "CREATE TABLE c (x int);\n"},
      {"0002_second.down.sql", "DROP TABLE b;\n"},
      {"0001_first.up.sql", "CREATE TABLE a (x int);\n"},
      {"0002_second.up.sql", "CREATE TABLE b (x int);\n"},
      {"0001_first.down.sql", "DROP TABLE a;\n"},
  };
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 3u);
  BOOST_TEST(migrations[0].version == 1);
  BOOST_TEST(migrations[1].version == 2);
  BOOST_TEST(migrations[2].version == 10);

  BOOST_TEST(migrations[0].name == "first");
  BOOST_TEST(migrations[0].up.file_name == "0001_first.up.sql");
  BOOST_TEST(migrations[0].up.sql == "CREATE TABLE a (x int);\n");
  BOOST_TEST_REQUIRE(migrations[0].down.has_value());
  BOOST_TEST(migrations[0].down->file_name == "0001_first.down.sql");
  BOOST_TEST(migrations[0].down->sql == "DROP TABLE a;\n");

  BOOST_TEST(migrations[1].name == "second");
  BOOST_TEST_REQUIRE(migrations[1].down.has_value());
  BOOST_TEST(migrations[1].down->sql == "DROP TABLE b;\n");

  BOOST_TEST(migrations[2].name == "third");
  BOOST_TEST(!migrations[2].down.has_value());
}

BOOST_AUTO_TEST_CASE(no_files_no_migrations) { BOOST_TEST(load_migrations(Files{}).empty()); }

BOOST_AUTO_TEST_CASE(checksum_is_the_migration_checksum_of_the_up_file) {
  const std::string up_sql = "\xEF\xBB\xBF" "CREATE TABLE a (x int);\r\n";
  const Files files{{"0001_a.down.sql", "DROP TABLE a;\n"}, {"0001_a.up.sql", up_sql}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 1u);
  BOOST_TEST(migrations[0].checksum == migration_checksum(up_sql));
  BOOST_TEST(migrations[0].checksum == sha256_hex("CREATE TABLE a (x int);\n"));
  // The down file does not take part.
  BOOST_TEST(migrations[0].checksum != migration_checksum("DROP TABLE a;\n"));
}

BOOST_AUTO_TEST_CASE(crlf_and_bom_are_normalised_in_the_sql) {
  const Files files{{"0001_a.up.sql", "\xEF\xBB\xBF" "CREATE TABLE a (x int);\r\nSELECT 1;\r\n"},
                    {"0001_a.down.sql", "DROP TABLE a;\r\n"}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 1u);
  BOOST_TEST(migrations[0].up.sql == "CREATE TABLE a (x int);\nSELECT 1;\n");
  BOOST_TEST_REQUIRE(migrations[0].down.has_value());
  BOOST_TEST(migrations[0].down->sql == "DROP TABLE a;\n");
}

BOOST_AUTO_TEST_CASE(no_transaction_directive_on_the_first_line) {
  BOOST_TEST(no_transaction("-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n"));
  BOOST_TEST(no_transaction("-- dbinit:no-transaction"));
  BOOST_TEST(no_transaction("-- dbinit:no-transaction \t\nVACUUM;\n"));            // trailing blanks
  BOOST_TEST(no_transaction("-- dbinit:no-transaction\r\nVACUUM;\r\n"));           // CRLF checkout
  BOOST_TEST(no_transaction("\xEF\xBB\xBF-- dbinit:no-transaction\nVACUUM;\n"));  // editor's BOM
}

BOOST_AUTO_TEST_CASE(no_transaction_directive_anywhere_else_does_not_count) {
  BOOST_TEST(!no_transaction("CREATE TABLE a (x int);\n"));
  BOOST_TEST(!no_transaction("-- header\n-- dbinit:no-transaction\nVACUUM;\n"));
  BOOST_TEST(!no_transaction("\n-- dbinit:no-transaction\nVACUUM;\n"));
  BOOST_TEST(!no_transaction("SELECT 1; -- dbinit:no-transaction\n"));
  BOOST_TEST(!no_transaction("-- dbinit:no-transaction-please\nVACUUM;\n"));
  BOOST_TEST(!no_transaction("-- dbinit:no-transactions\n"));
  BOOST_TEST(!no_transaction("-- dbinit:no-transaction; VACUUM;\n"));
}

BOOST_AUTO_TEST_CASE(no_transaction_is_per_file) {
  const Files files{{"0001_a.up.sql", "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n"},
                    {"0001_a.down.sql", "DROP INDEX i;\n"},
                    {"0002_b.up.sql", "CREATE TABLE b (x int);\n"},
                    {"0002_b.down.sql", "-- dbinit:no-transaction\nDROP INDEX CONCURRENTLY j;\n"}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 2u);
  BOOST_TEST(migrations[0].up.no_transaction);
  BOOST_TEST(!migrations[0].down->no_transaction);
  BOOST_TEST(!migrations[1].up.no_transaction);
  BOOST_TEST(migrations[1].down->no_transaction);
}

BOOST_AUTO_TEST_CASE(product_migrations_load_in_order) {
  // The set linked into this test (sql/ by default) loads without surprises.
  Files files;
  for (const auto& file : embedded_migration_files()) files.push_back({std::string(file.file_name), std::string(file.content)});
  const auto migrations = load_migrations(files);
  std::size_t up_files = 0;
  for (const auto& file : files) up_files += file.file_name.ends_with(".up.sql") ? 1 : 0;
  BOOST_TEST(migrations.size() == up_files);
  for (std::size_t i = 1; i < migrations.size(); ++i) BOOST_TEST(migrations[i - 1].version < migrations[i].version);
  for (const auto& migration : migrations) {
    BOOST_TEST(!migration.up.sql.empty());
    BOOST_TEST(migration.checksum.size() == 64u);
    BOOST_TEST(migration.up.sql.find('\r') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(each_malformed_set_is_refused_naming_the_file_and_what_is_accepted) {
  BOOST_TEST(refusal({{"0001_a.up.sql", "SELECT 1;"}, {"0002_Add-Users.up.sql", "SELECT 1;"}}) ==
             "0002_Add-Users.up.sql: malformed name; expected NNNN_description.up.sql or NNNN_description.down.sql "
             "(description: lower-case letters, digits, underscores)");
  for (const char* name : {"1.up.sql", "_a.up.sql", "0001_.up.sql", "0001_a.sql", "0001_a.UP.sql", "x1_a.up.sql",
                           "-1_a.up.sql", "0001_a b.up.sql"})
    BOOST_TEST(refusal({{name, "SELECT 1;"}}).starts_with(std::string(name) + ": malformed name"), name);
  BOOST_TEST(refusal({{"0001_first.up.sql", "SELECT 1;"}, {"01_second.up.sql", "SELECT 2;"}}) ==
             "01_second.up.sql: duplicate version 1 (another up file has the same number)");
  BOOST_TEST(refusal({{"0001_a.up.sql", "SELECT 1;"}, {"0001_a.down.sql", "SELECT 1;"}, {"1_b.down.sql", "SELECT 1;"}}) ==
             "1_b.down.sql: duplicate version 1 (another down file has the same number)");
  BOOST_TEST(refusal({{"0001_first.up.sql", "SELECT 1;"}, {"0002_second.down.sql", "SELECT 1;"}}) ==
             "0002_second.down.sql: version 2 has a down file but no up file");
  BOOST_TEST(refusal({{"0001_first.up.sql", "SELECT 1;"}, {"0002_second.up.sql", ""}}) ==
             "0002_second.up.sql: empty file; a migration must contain SQL");
  BOOST_TEST(refusal({{"0002_x.up.sql", "CREATE TABLE a (x int);\nCOMMIT;\n"}}) ==
             "0002_x.up.sql:2: COMMIT is not allowed: dbinit runs each migration in its own transaction "
             "(use -- dbinit:no-transaction on the first line to run without one)");
  BOOST_TEST(refusal({{"0002_x.up.sql", "SELECT 1;"}, {"0002_x.down.sql", "BEGIN;\nDROP TABLE a;\n"}}).starts_with(
      "0002_x.down.sql:1: BEGIN is not allowed"));
}

BOOST_AUTO_TEST_CASE(readme_and_dot_files_are_not_migrations) {
  const auto migrations = load_migrations({{"README.md", "notes"}, {".gitkeep", ""}, {"0001_a.up.sql", "SELECT 1;"}});
  BOOST_TEST(migrations.size() == 1u);
  BOOST_TEST(!is_migration_candidate("README"));
  BOOST_TEST(!is_migration_candidate(".DS_Store"));
  BOOST_TEST(is_migration_candidate("0001_a.up.sql"));
}

BOOST_AUTO_TEST_CASE(the_digest_changes_with_any_version_or_checksum) {
  const auto one = load_migrations({{"0001_a.up.sql", "SELECT 1;"}});
  const auto same = load_migrations({{"1_a.up.sql", "SELECT 1;"}, {"README", "x"}});
  const auto edited = load_migrations({{"0001_a.up.sql", "SELECT 2;"}});
  const auto renumbered = load_migrations({{"0002_a.up.sql", "SELECT 1;"}});
  BOOST_TEST(set_digest(one).size() == 12u);
  BOOST_TEST(set_digest(one) == set_digest(same));
  BOOST_TEST(set_digest(one) != set_digest(edited));
  BOOST_TEST(set_digest(one) != set_digest(renumbered));
}


BOOST_AUTO_TEST_CASE(every_transaction_control_statement_is_recognised) {
  for (const std::string sql : {"BEGIN;", "begin transaction;", "START TRANSACTION;", "COMMIT", "commit;",
                                "ROLLBACK;", "END;", "SAVEPOINT s;", "SELECT 1;\n-- c\n/* d */ Commit;",
                                "/* outer /* inner */ still comment */ COMMIT;"}) {
    BOOST_TEST_CONTEXT("sql: " << sql) {
      const auto problem = transaction_problem(sql);
      BOOST_TEST_REQUIRE(problem.has_value());
      BOOST_TEST(problem->starts_with("0002_x.up.sql:"), *problem);
    }
  }
  BOOST_TEST(transaction_problem("SELECT 1;\n-- c\n/* d */ Commit;").value_or("").starts_with("0002_x.up.sql:3: COMMIT"));
}

BOOST_AUTO_TEST_CASE(look_alikes_of_transaction_control_are_allowed) {
  for (const std::string sql :
       {"COMMENT ON TABLE t IS 'COMMIT; BEGIN';", "-- COMMIT;\nSELECT 1;", "/* BEGIN; */ SELECT 1;",
        "DO $$ BEGIN PERFORM 1; END $$;", "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $f$\nBEGIN\n  NULL;\nEND\n$f$;",
        "SELECT 'ROLLBACK';", "CREATE TABLE beginning (endpoint int, \"commit\" int);", "SELECT 1 AS \"x;COMMIT\";"}) {
    BOOST_TEST_CONTEXT("sql: " << sql) {
      const auto problem = transaction_problem(sql);
      BOOST_TEST(!problem.has_value(), problem.value_or(""));
    }
  }
}

BOOST_AUTO_TEST_CASE(sql_standard_function_body_is_not_transaction_control) {
  // PostgreSQL 14+: BEGIN ATOMIC ... END is part of CREATE FUNCTION, and the
  // server parses the file as one message; it is not a transaction.
  const auto problem = transaction_problem(
      "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND;\n");
  BOOST_TEST(!problem.has_value(), problem.value_or(""));
}

BOOST_AUTO_TEST_CASE(no_transaction_migration_may_contain_anything) {
  BOOST_TEST(!transaction_problem("-- dbinit:no-transaction\nCOMMIT;\nBEGIN;\nVACUUM;\n", true).has_value());
  const auto migrations =
      load_migrations({{"0001_i.up.sql", "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\nCOMMIT;\n"}});
  BOOST_TEST(migrations.front().up.no_transaction);
}

