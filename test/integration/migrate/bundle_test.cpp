#define BOOST_TEST_MODULE bundle
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "pg_cluster.hpp"
#include "process.hpp"
#include "text.hpp"

// Migration sets that reach dbinit without a compiler: `dbinit bundle`,
// --migrations-dir and `dbinit new`, against a real PostgreSQL.
using namespace dbinit::test;
namespace fs = std::filesystem;

namespace {

PgCluster& cluster() {
  static PgCluster instance;
  return instance;
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

ProcessResult run_binary(const fs::path& binary, std::vector<std::string> args, const std::string& url = "") {
  ProcessOptions options;
  options.argv = {binary.string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  if (!url.empty()) options.env = {{"DATABASE_URL", url}};
  return run(options);
}

std::string tables(const std::string& database) {
  return cluster().scalar("SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables "
                          "WHERE schemaname = 'public'", database);
}

// A directory holding a copy of the product's sql/.
void copy_product_set(const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(DBINIT_TEST_SOURCE_DIR "/../sql")) fs::copy(entry.path(), to / entry.path().filename());
}

}  // namespace

BOOST_AUTO_TEST_CASE(new_then_bundle_then_migrate_on_a_fresh_database) {
  TempDir dir;
  const fs::path sql = fs::path(dir.path()) / "sql";
  auto created = run_dbinit({"new", "create_notes", "--migrations-dir", sql.string()});
  BOOST_TEST_REQUIRE(created.exit_code == 0, describe(created));
  BOOST_TEST(created.out == (sql / "0001_create_notes.up.sql").string() + "\n" + (sql / "0001_create_notes.down.sql").string() + "\n");
  write_file(sql / "0001_create_notes.up.sql", read_file(sql / "0001_create_notes.up.sql") + "CREATE TABLE notes (id int);\n");
  created = run_dbinit({"new", "add_body", "--migrations-dir", sql.string()});
  BOOST_TEST_REQUIRE(created.exit_code == 0, describe(created));
  BOOST_TEST(contains(created.out, "0002_add_body.up.sql"), describe(created));
  write_file(sql / "0002_add_body.up.sql", "ALTER TABLE notes ADD COLUMN body text;\n");

  const fs::path bundled = fs::path(dir.path()) / "dbinit";
  const auto bundle = run_dbinit({"bundle", sql.string(), "--output", bundled.string()});
  BOOST_TEST_REQUIRE(bundle.exit_code == 0, describe(bundle));
  struct stat info {};
  BOOST_TEST_REQUIRE(::stat(bundled.c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0755u);

  const auto db = cluster().create_database();
  const auto migrated = run_binary(bundled, {"migrate"}, cluster().url(db));
  BOOST_TEST(migrated.exit_code == 0, describe(migrated));
  BOOST_TEST(contains(migrated.err, "migration set: bundled, 2 migrations (versions 1 to 2)"), describe(migrated));
  // The bundled set only: the compiled-in chatbot tables are not there.
  BOOST_TEST(tables(db) == "dbinit_schema_history,notes");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM dbinit_schema_history", db) ==
             "1:create_notes,2:add_body");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'body'", db) == "1");
}

BOOST_AUTO_TEST_CASE(the_same_files_are_up_to_date_from_every_source) {
  TempDir dir;
  const fs::path sql = fs::path(dir.path()) / "sql";
  copy_product_set(sql);
  const fs::path bundled = fs::path(dir.path()) / "dbinit";
  BOOST_TEST_REQUIRE(run_dbinit({"bundle", sql.string(), "--output", bundled.string()}).exit_code == 0);

  // Migrated with the bundle: the directory and the compiled-in set agree.
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(run_binary(bundled, {"migrate"}, cluster().url(db)).exit_code == 0);
  auto status = run_dbinit({"status", "--migrations-dir", sql.string()}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 0, describe(status));
  BOOST_TEST(contains(status.err, "migration set: directory " + sql.string()), describe(status));
  status = run_dbinit({"status"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 0, describe(status));
  BOOST_TEST(contains(status.err, "migration set: compiled-in"), describe(status));

  // Migrated with the directory: the bundle agrees; the digests are one.
  const auto other = cluster().create_database();
  BOOST_TEST_REQUIRE(run_dbinit({"migrate", "--migrations-dir", sql.string()}, {{"DATABASE_URL", cluster().url(other)}}).exit_code == 0);
  BOOST_TEST(run_binary(bundled, {"status"}, cluster().url(other)).exit_code == 0);
  const std::regex digest("digest ([0-9a-f]{12})");
  std::smatch bundled_digest, compiled_digest;
  const auto bundled_version = run_binary(bundled, {"--version"}).out;
  const auto compiled_version = run_dbinit({"--version"}).out;
  BOOST_TEST_REQUIRE(std::regex_search(bundled_version, bundled_digest, digest), bundled_version);
  BOOST_TEST_REQUIRE(std::regex_search(compiled_version, compiled_digest, digest), compiled_version);
  BOOST_TEST(bundled_digest[1] == compiled_digest[1]);
  BOOST_TEST(contains(bundled_version, "migrations: bundled, 3 migrations"), bundled_version);  // sql/ holds 3
}

BOOST_AUTO_TEST_CASE(bundling_a_bundled_binary_replaces_its_set) {
  TempDir dir;
  const fs::path first = fs::path(dir.path()) / "first", second = fs::path(dir.path()) / "second";
  fs::create_directories(first);
  fs::create_directories(second);
  write_file(first / "0001_one.up.sql", "CREATE TABLE one (id int);\n");
  write_file(second / "0001_two.up.sql", "CREATE TABLE two (id int);\n");
  const fs::path once = fs::path(dir.path()) / "once", twice = fs::path(dir.path()) / "twice";
  BOOST_TEST_REQUIRE(run_dbinit({"bundle", first.string(), "--output", once.string()}).exit_code == 0);
  const auto again = run_binary(once, {"bundle", second.string(), "--output", twice.string()});
  BOOST_TEST_REQUIRE(again.exit_code == 0, describe(again));
  // The copy carries one set, not two: it is as long as the first bundle give or take the payload.
  BOOST_TEST(fs::file_size(twice) == fs::file_size(once));
  const auto db = cluster().create_database();
  const auto migrated = run_binary(twice, {"migrate"}, cluster().url(db));
  BOOST_TEST(migrated.exit_code == 0, describe(migrated));
  BOOST_TEST(tables(db) == "dbinit_schema_history,two");
  // The running binary is not modified.
  BOOST_TEST(contains(run_binary(once, {"--version"}).out, "bundled, 1 migration"));
}

BOOST_AUTO_TEST_CASE(an_applied_file_edited_in_the_directory_is_drift) {
  TempDir dir;
  const fs::path sql = fs::path(dir.path()) / "sql";
  copy_product_set(sql);
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(run_dbinit({"migrate", "--migrations-dir", sql.string()}, {{"DATABASE_URL", cluster().url(db)}}).exit_code == 0);
  write_file(sql / "0002_create_messages.up.sql", read_file(sql / "0002_create_messages.up.sql") + "\n-- edited\n");
  const auto result = run_dbinit({"migrate"}, {{"DATABASE_URL", cluster().url(db)}, {"DBINIT_MIGRATIONS_DIR", sql.string()}});
  BOOST_TEST(result.exit_code == 6, describe(result));
  BOOST_TEST(contains(result.err, "checksum mismatch): version 2"), describe(result));
}

BOOST_AUTO_TEST_CASE(a_damaged_bundle_is_refused_before_the_server_hears_from_it) {
  TempDir dir;
  const fs::path sql = fs::path(dir.path()) / "sql";
  copy_product_set(sql);
  const fs::path bundled = fs::path(dir.path()) / "dbinit";
  BOOST_TEST_REQUIRE(run_dbinit({"bundle", sql.string(), "--output", bundled.string()}).exit_code == 0);
  const std::string image = read_file(bundled);

  const fs::path truncated = fs::path(dir.path()) / "truncated", flipped = fs::path(dir.path()) / "flipped";
  write_file(truncated, image.substr(0, image.size() - 100));
  std::string changed = image;
  changed[changed.size() - 10] ^= 0x01;
  write_file(flipped, changed);
  for (const auto& [binary, why] : {std::pair{truncated, std::string("truncated")}, {flipped, "its SHA-256 does not match"}}) {
    fs::permissions(binary, fs::perms::owner_all);
    const auto db = cluster().create_database();
    const auto result = run_binary(binary, {"--mode=exec", "--", "echo", "STARTED"},
                                   cluster().url(db) + "?application_name=damaged_bundle");
    BOOST_TEST(result.exit_code == 2, describe(result));
    BOOST_TEST(contains(result.err, "the bundled migration set is damaged: " + why), describe(result));
    BOOST_TEST(!contains(result.out, "STARTED"));
    BOOST_TEST(tables(db) == "");
    // Found before connecting: the server never heard from this
    // application (no startup packet, no authentication).
    BOOST_TEST(!contains(cluster().log(), "app=damaged_bundle"));
    BOOST_TEST(run_binary(binary, {"--version"}).exit_code == 2);
  }
}

BOOST_AUTO_TEST_CASE(each_malformed_directory_is_refused_naming_the_file) {
  const std::string fixtures = DBINIT_TEST_SOURCE_DIR "/fixtures/invalid/";
  const std::pair<std::string, std::string> cases[] = {
      {"malformed_name", "0002_Add-Users.up.sql: malformed name; expected NNNN_description.up.sql"},
      {"duplicate_version", "01_second.up.sql: duplicate version 1 (another up file has the same number)"},
      {"down_without_up", "0002_second.down.sql: version 2 has a down file but no up file"},
      {"empty_file", "0002_second.up.sql: empty file; a migration must contain SQL"},
      {"transaction_statement", "0002_second.up.sql:1: BEGIN is not allowed"},
  };
  TempDir dir;
  for (const auto& [name, message] : cases) {
    BOOST_TEST_CONTEXT("fixture " << name) {
      const fs::path output = fs::path(dir.path()) / ("dbinit-" + name);
      const auto bundle = run_dbinit({"bundle", fixtures + name, "--output", output.string()});
      BOOST_TEST(bundle.exit_code == 2, describe(bundle));
      BOOST_TEST(contains(bundle.err, message), describe(bundle));
      BOOST_TEST(std::count(bundle.err.begin(), bundle.err.end(), '\n') == 1, describe(bundle));
      BOOST_TEST(!fs::exists(output));
      const auto db = cluster().create_database();
      const auto migrate = run_dbinit({"migrate", "--migrations-dir", fixtures + name}, {{"DATABASE_URL", cluster().url(db)}});
      BOOST_TEST(migrate.exit_code == 2, describe(migrate));
      BOOST_TEST(contains(migrate.err, message), describe(migrate));
      BOOST_TEST(tables(db) == "");
    }
  }
  // No temporary file is left behind either.
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 0);
}

// The set is read and checked before connecting (entrypoint/main.cpp): an
// unusable one stops dbinit at once with exit 2, whether the database never
// answers or its URL would be refused.
BOOST_AUTO_TEST_CASE(an_unusable_set_is_exit_2_at_once_whatever_the_database_does) {
  using namespace std::chrono_literals;
  const std::string fixture = DBINIT_TEST_SOURCE_DIR "/fixtures/invalid/empty_file";
  const std::string message = "0002_second.up.sql: empty file; a migration must contain SQL";
  const std::string nothing_listening = "postgresql://postgres:pw@127.0.0.1:" + std::to_string(free_loopback_port()) + "/postgres";
  for (const auto& url : {nothing_listening, std::string("postgresql://[::1/postgres")}) {
    BOOST_TEST_CONTEXT("DATABASE_URL " << url) {
      const auto result = run_dbinit({"migrate", "--migrations-dir", fixture, "--wait-timeout", "30s"}, {{"DATABASE_URL", url}});
      BOOST_TEST(result.exit_code == 2, describe(result));
      BOOST_TEST(contains(result.err, message), describe(result));
      BOOST_TEST(!contains(result.err, "attempt failed"), describe(result));
      BOOST_TEST(result.elapsed < 5s, describe(result));
    }
  }
}

BOOST_AUTO_TEST_CASE(new_refuses_a_bad_name_with_the_rule) {
  TempDir dir;
  const auto result = run_dbinit({"new", "Add-Users", "--migrations-dir", dir.path()});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "expected lower-case letters, digits and underscores"), describe(result));
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 0);
}

BOOST_AUTO_TEST_CASE(a_bundle_of_a_thousand_migrations_works) {
  TempDir dir;
  const fs::path sql = fs::path(dir.path()) / "sql";
  fs::create_directories(sql);
  for (int version = 1; version <= 1000; ++version) {
    char name[64];
    std::snprintf(name, sizeof name, "%04d_step_%d.up.sql", version, version);
    write_file(sql / name, "CREATE TABLE step_" + std::to_string(version) + " (id int);\n");
  }
  const fs::path bundled = fs::path(dir.path()) / "dbinit";
  const auto bundle = run_dbinit({"bundle", sql.string(), "--output", bundled.string()});
  BOOST_TEST_REQUIRE(bundle.exit_code == 0, describe(bundle));
  const auto db = cluster().create_database();
  const auto migrated = run_binary(bundled, {"migrate"}, cluster().url(db));
  BOOST_TEST(migrated.exit_code == 0, describe(migrated));
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == "1000");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'step\\_%'", db) == "1000");
}
