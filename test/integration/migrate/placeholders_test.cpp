#define BOOST_TEST_MODULE placeholders
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

#include "pg_cluster.hpp"
#include "set_dir.hpp"
#include "process.hpp"
#include "text.hpp"

// Placeholders as a user meets them: filled from the environment before
// dbinit connects, printed by `dbinit sql` without secrets, never logged.
using namespace dbinit::test;

namespace {

PgCluster& cluster() { return shared_cluster(); }

constexpr const char* token = "tok-51f3-placeholder";  // listed in test/passwords

const std::map<std::string, std::string> files = {
    {"0001_notes.up.sql",
     "-- dbinit:placeholders\nCREATE SCHEMA ${APP_SCHEMA:-app};\n"
     "CREATE TABLE ${APP_SCHEMA:-app}.notes (id int, body text DEFAULT '$${literal}');\n"
     "COMMENT ON TABLE ${APP_SCHEMA:-app}.notes IS '${API_TOKEN}';\n"},
    {"0002_plain.up.sql", "CREATE FUNCTION plain() RETURNS text LANGUAGE sql AS $$ SELECT '${NOT_FILLED}' $$;\n"}};

ProcessResult run_with_set(std::vector<std::string> args, const SetDir& set, std::map<std::string, std::string> env) {
  args.insert(args.end(), {"--migrations-dir", set.path()});
  return run_dbinit(args, std::move(env));
}

}  // namespace

BOOST_AUTO_TEST_CASE(placeholders_are_filled_from_the_environment_and_the_checksum_is_of_the_file) {
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto result = run_with_set({"migrate"}, set, {{"DATABASE_URL", cluster().url(db)}, {"APP_SCHEMA", "preview_7"},
                                                {"API_TOKEN", token}});
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(cluster().scalar("SELECT obj_description('preview_7.notes'::regclass)", db) == token);
  BOOST_TEST(cluster().scalar("SELECT column_default FROM information_schema.columns WHERE table_name = 'notes' "
                              "AND column_name = 'body'", db) == "'${literal}'::text");
  // A file without the marker is sent as written.
  BOOST_TEST(cluster().scalar("SELECT plain()", db) == "${NOT_FILLED}");
  BOOST_TEST(!contains(result.err, token), result.err);
  // Another environment's values are not drift.
  const auto again = run_with_set({"migrate"}, set, {{"DATABASE_URL", cluster().url(db)}, {"API_TOKEN", "other"}});
  BOOST_TEST(again.exit_code == 0, describe(again));
  BOOST_TEST(contains(again.err, "database is up to date"), again.err);
}

BOOST_AUTO_TEST_CASE(a_placeholder_without_a_value_is_exit_2_before_connecting) {
  const SetDir set(files);
  // Nothing listens there: exit 2, not 3, shows dbinit never tried.
  const auto result = run_with_set({"migrate"}, set, {{"DATABASE_URL", "postgresql://nobody@127.0.0.1:" +
                                                                     std::to_string(free_loopback_port()) + "/x"}});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "0001_notes.up.sql:4: placeholder ${API_TOKEN} has no value: set API_TOKEN in the "
                                  "environment, or give a default as ${API_TOKEN:-value}"),
             result.err);
  BOOST_TEST(!contains(result.err, "connect"), result.err);
}

BOOST_AUTO_TEST_CASE(dbinit_sql_prints_secret_values_as_psql_variables) {
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto result = run_with_set({"sql"}, set, {{"DATABASE_URL", cluster().url(db)}, {"API_TOKEN", token}});
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.out, "CREATE TABLE app.notes (id int, body text DEFAULT '${literal}');"), result.out);
  BOOST_TEST(contains(result.out, "COMMENT ON TABLE app.notes IS ':'API_TOKEN'';"), result.out);
  BOOST_TEST(!contains(result.out + result.err, token));
}

BOOST_AUTO_TEST_CASE(a_secret_in_a_failing_statement_never_reaches_the_log) {
  const SetDir set(std::map<std::string, std::string>{{"0001_fails.up.sql", "-- dbinit:placeholders\nSELECT '${SERVICE_PASSWORD}'::int;\n"}});
  const auto db = cluster().create_database();
  const auto result = run_with_set({"migrate"}, set, {{"DATABASE_URL", cluster().url(db)}, {"SERVICE_PASSWORD", token}});
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "invalid input syntax for type integer"), result.err);
  BOOST_TEST(!contains(result.err, token), result.err);
}
