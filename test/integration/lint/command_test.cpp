#define BOOST_TEST_MODULE lint_command
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "pg_cluster.hpp"
#include "process.hpp"
#include "text.hpp"

// `dbinit lint` as a user runs it: dbinit finds dbinit-lint beside itself
// (or on PATH) and hands it the set the other commands would use; the
// exit code says clean (0), findings (1), or a file PostgreSQL's parser
// refuses and bad options (2).
using namespace dbinit::test;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(DBINIT_TEST_SOURCE_DIR) / "fixtures" / "lint";
const fs::path build_dir = fs::path(DBINIT_BINARY).parent_path();

PgCluster& cluster() {
  static PgCluster instance;
  return instance;
}

ProcessResult run_program(const fs::path& binary, std::vector<std::string> args, std::map<std::string, std::string> env,
                          bool inherit_environment = true) {
  ProcessOptions options;
  options.argv = {binary.string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = std::move(env);
  options.inherit_environment = inherit_environment;
  return run(options);
}

std::string dir_of(const std::string& set) { return (fixtures / set).string(); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_clean_set_exits_0) {
  const auto result = run_dbinit({"lint", "--migrations-dir", dir_of("clean")});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.out.empty(), describe(result));
  BOOST_TEST(contains(result.err, "3 of 3 files read, 5 statements, 0 findings"), describe(result));
}

BOOST_AUTO_TEST_CASE(findings_are_one_line_each_and_exit_1) {
  const auto result = run_dbinit({"lint", "--migrations-dir", dir_of("findings")});
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out == dir_of("findings") + "/0002_index_body.up.sql:2: index-not-concurrent: CREATE INDEX blocks "
                               "every write to notes until the whole index is built; safe way: CREATE INDEX "
                               "CONCURRENTLY, in a migration of its own that starts with -- dbinit:no-transaction\n",
             describe(result));
}

BOOST_AUTO_TEST_CASE(a_file_the_parser_refuses_and_bad_options_exit_2) {
  auto result = run_dbinit({"lint", "--migrations-dir", dir_of("unparsable")});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(result.out == dir_of("unparsable") +
                               "/0001_typo.up.sql:2:7: PostgreSQL's parser refuses the file: syntax error at or near "
                               "\"TABEL\"\n",
             describe(result));
  result = run_dbinit({"lint", "extra"});
  BOOST_TEST(result.exit_code == 2, describe(result));
  result = run_program(build_dir / "dbinit-lint", {"--no-such-option"}, {});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "unknown argument '--no-such-option'"), describe(result));
  result = run_dbinit({"lint", "--migrations-dir", dir_of("no-such-set")});
  BOOST_TEST(result.exit_code == 2, describe(result));
}

BOOST_AUTO_TEST_CASE(the_products_compiled_in_set_is_lint_clean) {
  const auto result = run_dbinit({"lint"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.out.empty(), describe(result));
}

BOOST_AUTO_TEST_CASE(a_bundled_set_is_linted_and_bundle_and_new_warn_and_go_on) {
  TempDir dir;
  const fs::path bundled = fs::path(dir.path()) / "dbinit";
  const auto bundle = run_dbinit({"bundle", dir_of("findings"), "--output", bundled.string()});
  BOOST_TEST_REQUIRE(bundle.exit_code == 0, describe(bundle));
  BOOST_TEST(contains(bundle.err, "dbinit: warning: " + dir_of("findings") + "/0002_index_body.up.sql:2: "
                                  "index-not-concurrent: "),
             describe(bundle));
  BOOST_TEST(contains(bundle.out, "wrote " + bundled.string()), describe(bundle));

  // Not beside the copy: found on PATH. The set is the bundled one, named by file.
  auto result = run_program(bundled, {"lint"}, {{"PATH", build_dir.string() + ":/usr/bin:/bin"}}, false);
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out.starts_with("0002_index_body.up.sql:2: index-not-concurrent: "), describe(result));

  // Nowhere: one line, exit 2.
  result = run_program(bundled, {"lint"}, {{"PATH", "/usr/bin:/bin"}}, false);
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(result.err == "dbinit: dbinit lint runs dbinit-lint, which is neither beside dbinit nor on PATH; "
                           "install it from the same release as dbinit\n",
             describe(result));

  const fs::path sql = fs::path(dir.path()) / "sql";
  fs::copy(fixtures / "findings", sql);
  const auto created = run_dbinit({"new", "add_title", "--migrations-dir", sql.string()});
  BOOST_TEST(created.exit_code == 0, describe(created));
  BOOST_TEST(created.out == (sql / "0003_add_title.up.sql").string() + "\n" + (sql / "0003_add_title.down.sql").string() + "\n",
             describe(created));
  BOOST_TEST(contains(created.err, "dbinit: warning: " + sql.string() + "/0002_index_body.up.sql:2: index-not-concurrent"),
             describe(created));
}

BOOST_AUTO_TEST_CASE(with_a_database_a_table_a_pending_migration_creates_is_exempt) {
  const auto db = cluster().create_database();
  const std::map<std::string, std::string> database{{"DATABASE_URL", cluster().url(db)}};
  // Fresh: 0001 is pending there, so notes does not exist yet when 0002 indexes it.
  auto result = run_dbinit({"lint", "--migrations-dir", dir_of("findings")}, database);
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.out == dir_of("findings") + "/0002_index_body.up.sql:2: index-not-concurrent: exempt: notes does "
                               "not exist yet on the database: " + dir_of("findings") +
                               "/0001_create_notes.up.sql, which creates it, is still pending there\n",
             describe(result));
  BOOST_TEST(contains(result.err, "the database has 2 pending, 1 exemptions"), describe(result));

  // Once 0001 ran there, the app may be using notes.
  const auto migrated = run_dbinit({"migrate", "--target", "1", "--migrations-dir", dir_of("findings")}, database);
  BOOST_TEST_REQUIRE(migrated.exit_code == 0, describe(migrated));
  result = run_dbinit({"lint", "--migrations-dir", dir_of("findings")}, database);
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(contains(result.out, "0002_index_body.up.sql:2: index-not-concurrent: CREATE INDEX blocks"), describe(result));
  BOOST_TEST(contains(result.err, "the database has 1 pending, 0 exemptions"), describe(result));

  // A database that does not answer is exit 3, as for every command that waits.
  result = run_dbinit({"lint", "--migrations-dir", dir_of("findings"), "--wait-timeout", "1s"},
                      {{"DATABASE_URL", "postgresql://127.0.0.1:" + std::to_string(free_loopback_port()) + "/x"}});
  BOOST_TEST(result.exit_code == 3, describe(result));
}
