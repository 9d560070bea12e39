#define BOOST_TEST_MODULE migration_set
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "migrate/checksum.hpp"
#include "migrate/set.hpp"

using namespace dbinit;

namespace {

using Files = std::vector<EmbeddedFile>;

constexpr auto up = Direction::up;
constexpr auto down = Direction::down;

bool no_transaction(std::string_view sql) {
  const Files files{{1, "a", "0001_a.up.sql", up, sql}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 1u);
  return migrations[0].up.no_transaction;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pairs_up_and_down_files_sorted_by_version) {
  const Files files{
      {10, "third", "0010_third.up.sql", up, "CREATE TABLE c (x int);\n"},
      {2, "second", "0002_second.down.sql", down, "DROP TABLE b;\n"},
      {1, "first", "0001_first.up.sql", up, "CREATE TABLE a (x int);\n"},
      {2, "second", "0002_second.up.sql", up, "CREATE TABLE b (x int);\n"},
      {1, "first", "0001_first.down.sql", down, "DROP TABLE a;\n"},
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
  const Files files{{1, "a", "0001_a.down.sql", down, "DROP TABLE a;\n"}, {1, "a", "0001_a.up.sql", up, up_sql}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 1u);
  BOOST_TEST(migrations[0].checksum == migration_checksum(up_sql));
  BOOST_TEST(migrations[0].checksum == sha256_hex("CREATE TABLE a (x int);\n"));
  // The down file does not take part.
  BOOST_TEST(migrations[0].checksum != migration_checksum("DROP TABLE a;\n"));
}

BOOST_AUTO_TEST_CASE(crlf_and_bom_are_normalised_in_the_sql) {
  const Files files{{1, "a", "0001_a.up.sql", up, "\xEF\xBB\xBF" "CREATE TABLE a (x int);\r\nSELECT 1;\r\n"},
                    {1, "a", "0001_a.down.sql", down, "DROP TABLE a;\r\n"}};
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
  const Files files{{1, "a", "0001_a.up.sql", up, "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n"},
                    {1, "a", "0001_a.down.sql", down, "DROP INDEX i;\n"},
                    {2, "b", "0002_b.up.sql", up, "CREATE TABLE b (x int);\n"},
                    {2, "b", "0002_b.down.sql", down, "-- dbinit:no-transaction\nDROP INDEX CONCURRENTLY j;\n"}};
  const auto migrations = load_migrations(files);
  BOOST_TEST_REQUIRE(migrations.size() == 2u);
  BOOST_TEST(migrations[0].up.no_transaction);
  BOOST_TEST(!migrations[0].down->no_transaction);
  BOOST_TEST(!migrations[1].up.no_transaction);
  BOOST_TEST(migrations[1].down->no_transaction);
}

BOOST_AUTO_TEST_CASE(product_migrations_load_in_order) {
  // The set linked into this test (sql/ by default) loads without surprises.
  const auto files = embedded_migration_files();
  const auto migrations = load_migrations(files);
  std::size_t up_files = 0;
  for (const auto& file : files) up_files += file.direction == up ? 1 : 0;
  BOOST_TEST(migrations.size() == up_files);
  for (std::size_t i = 1; i < migrations.size(); ++i) BOOST_TEST(migrations[i - 1].version < migrations[i].version);
  for (const auto& migration : migrations) {
    BOOST_TEST(!migration.up.sql.empty());
    BOOST_TEST(migration.checksum.size() == 64u);
    BOOST_TEST(migration.up.sql.find('\r') == std::string::npos);
  }
}
