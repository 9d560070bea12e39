#define BOOST_TEST_MODULE lint_command
#include <boost/test/unit_test.hpp>

#include <algorithm>
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
  BOOST_TEST(result.err == "dbinit lint: unknown option '--no-such-option'; usage: dbinit-lint [--format "
                           "text|json|github] PATH... (see dbinit-lint --help)\n",
             describe(result));
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {}, {"--format", "xml", dir_of("clean")}, {"--format"}, {dir_of("no-such-set")}}) {
    result = run_program(build_dir / "dbinit-lint", bad, {});
    BOOST_TEST(result.exit_code == 2, describe(result));
    BOOST_TEST(std::count(result.err.begin(), result.err.end(), '\n') == 1, describe(result));
    BOOST_TEST(result.out.empty(), describe(result));
  }
  result = run_dbinit({"lint", "--migrations-dir", dir_of("no-such-set")});
  BOOST_TEST(result.exit_code == 2, describe(result));
  result = run_dbinit({"lint", "--migrations-dir", dir_of("clean"), dir_of("findings")});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(result.err == "dbinit: dbinit lint reads either --migrations-dir DIR or the files and directories named, "
                           "not both\n",
             describe(result));
}

BOOST_AUTO_TEST_CASE(help_is_exit_0_from_either_program) {
  for (const auto& result : {run_program(build_dir / "dbinit-lint", {"--help"}, {}), run_dbinit({"lint", "--help"})}) {
    BOOST_TEST(result.exit_code == 0, describe(result));
    BOOST_TEST(result.out.starts_with("Usage: dbinit-lint [OPTIONS] PATH..."), describe(result));
    BOOST_TEST(contains(result.out, "Exit codes: 0 nothing found, 1 findings, 2 "), describe(result));
  }
  const auto rules = run_program(build_dir / "dbinit-lint", {"--rules"}, {});
  BOOST_TEST(rules.exit_code == 0, describe(rules));
  BOOST_TEST(contains(rules.out, "\ndrop-index-not-concurrent: DROP INDEX takes an ACCESS EXCLUSIVE lock on the table"),
             describe(rules));
}

// Files and a directory that is not a set: the directory's .sql files in
// name order, all one sequence, PostgreSQL 16's and 17's syntax read.
BOOST_AUTO_TEST_CASE(files_and_plain_directories_are_linted_in_order_with_postgresql_17s_grammar) {
  const std::string plain = dir_of("plain");
  auto result = run_program(build_dir / "dbinit-lint", {plain}, {});
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out == plain + "/b_report.sql:5: index-not-concurrent: CREATE INDEX blocks every write to notes "
                               "until the whole index is built; safe way: CREATE INDEX CONCURRENTLY, in a migration "
                               "of its own that starts with -- dbinit:no-transaction\n",
             describe(result));
  BOOST_TEST(result.err == "dbinit lint: 2 of 2 files read, 4 statements, 1 findings\n", describe(result));
  // The same files, named one by one.
  result = run_program(build_dir / "dbinit-lint", {plain + "/a_notes.sql", plain + "/b_report.sql"}, {});
  BOOST_TEST(result.exit_code == 1, describe(result));
  // One file that creates the table and indexes it: clean.
  result = run_dbinit({"lint", dir_of("findings") + "/0001_create_notes.up.sql"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "1 of 1 files read"), describe(result));
  // A directory of NNNN_name.up.sql files is a set: dbinit's rules apply.
  result = run_dbinit({"lint", dir_of("findings"), "--format", "text"});
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out.starts_with(dir_of("findings") + "/0002_index_body.up.sql:2: index-not-concurrent: "),
             describe(result));
}

BOOST_AUTO_TEST_CASE(placeholders_are_linted_neutral_on_their_lines_without_any_value) {
  // READER_ROLE has no value here: lint needs none, and says nothing of it.
  const auto result = run_program(build_dir / "dbinit-lint", {dir_of("placeholders")}, {}, false);
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out.starts_with(dir_of("placeholders") + "/0002_index.up.sql:2: index-not-concurrent: "),
             describe(result));
  BOOST_TEST(contains(result.err, "2 of 2 files read, 4 statements, 1 findings"), describe(result));
}

BOOST_AUTO_TEST_CASE(json_and_github_formats) {
  const std::string plain = dir_of("plain");
  auto result = run_dbinit({"lint", "--format", "json", plain});
  BOOST_TEST(result.exit_code == 1, describe(result));
  BOOST_TEST(result.out.starts_with("{\"findings\":[{\"file\":\"" + plain +
                                    "/b_report.sql\",\"line\":5,\"column\":1,\"rule\":\"index-not-concurrent\","
                                    "\"subject\":\"notes\",\"message\":\"CREATE INDEX blocks every write to notes "
                                    "until the whole index is built\",\"safe_way\":"),
             describe(result));
  BOOST_TEST(result.out.ends_with("\"exemptions\":[],\"refused_files\":[],\"files_read\":2,\"statements\":4}\n"),
             describe(result));
  result = run_program(build_dir / "dbinit-lint", {"--format=github", plain, dir_of("unparsable")}, {});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(result.out == "::error file=" + dir_of("unparsable") + "/0001_typo.up.sql,line=2,col=7,title=PostgreSQL's "
                               "parser refuses the file::syntax error at or near \"TABEL\"\n"
                               "::warning file=" + plain + "/b_report.sql,line=5,col=1,title=dbinit-lint "
                               "index-not-concurrent::CREATE INDEX blocks every write to notes until the whole index "
                               "is built; safe way: CREATE INDEX CONCURRENTLY, in a migration of its own that starts "
                               "with -- dbinit:no-transaction\n",
             describe(result));
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
