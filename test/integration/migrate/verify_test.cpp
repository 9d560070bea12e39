#define BOOST_TEST_MODULE verify
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

#include "pg_cluster.hpp"
#include "set_dir.hpp"
#include "process.hpp"
#include "text.hpp"

// `dbinit verify` against a real PostgreSQL: every way back of a set in a
// directory, the schema compared by dbinit's own catalog query.
using namespace dbinit::test;

namespace {

PgCluster& cluster() { return shared_cluster(); }

using Files = SetDir::Files;

ProcessResult verify(const SetDir& set, const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"verify", "--migrations-dir", set.path()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_dbinit(args, {{"DATABASE_URL", cluster().url(db)}});
}

std::string versions(const std::string& db) {
  return cluster().scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history", db);
}

// Two tables and an index, each with its down.
Files lc_set() {
  return {{"0001_lc_a.up.sql", "CREATE TABLE lc_a (id int PRIMARY KEY, n int);\n"},
          {"0001_lc_a.down.sql", "DROP TABLE lc_a;\n"},
          {"0002_lc_a_n.up.sql", "CREATE INDEX IF NOT EXISTS lc_a_n ON lc_a (n);\n"},
          {"0002_lc_a_n.down.sql", "DROP INDEX lc_a_n;\n"},
          {"0003_lc_b.up.sql", "CREATE TABLE lc_b (id bigint GENERATED ALWAYS AS IDENTITY, a int REFERENCES lc_a);\n"},
          {"0003_lc_b.down.sql", "DROP TABLE lc_b;\n"}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_products_own_downs_restore_its_schema) {
  const auto db = cluster().create_database();
  const auto result = run_dbinit({"verify"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "verify: every down restores the schema before its up"), result.err);
  BOOST_TEST(versions(db) == "1,2,3");
}

BOOST_AUTO_TEST_CASE(a_set_whose_downs_restore_every_kind_of_object_passes_and_ends_at_the_newest) {
  const SetDir set(
      {{"0001_kinds.up.sql",
        "CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('sad', 'ok');\nCREATE DOMAIN app.positive AS int CHECK (VALUE > 0);\n"
        "CREATE SEQUENCE app.ticket START 100;\nCREATE TABLE app.t (id int PRIMARY KEY, m app.mood NOT NULL DEFAULT 'ok', "
        "p app.positive, CONSTRAINT t_p CHECK (p < 1000));\nCREATE VIEW app.v AS SELECT id FROM app.t WHERE m = 'ok';\n"
        "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
        "CREATE TRIGGER t_touch BEFORE UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.touch();\n"
        "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t_read ON app.t FOR SELECT USING (m = 'ok');\n"
        "COMMENT ON TABLE app.t IS 'things';\nCOMMENT ON COLUMN app.t.m IS 'how it feels';\n"},
       {"0001_kinds.down.sql", "DROP SCHEMA app CASCADE;\n"},
       {"0002_more.up.sql",
        "ALTER TYPE app.mood ADD VALUE 'glad';\nALTER TABLE app.t ADD COLUMN note text COLLATE \"C\";\n"
        "CREATE INDEX t_note ON app.t (note) WHERE note IS NOT NULL;\n"},
       {"0002_more.down.sql",
        "DROP INDEX app.t_note;\nALTER TABLE app.t DROP COLUMN note;\n"
        "ALTER TYPE app.mood RENAME TO mood_old;\nCREATE TYPE app.mood AS ENUM ('sad', 'ok');\n"
        "ALTER TABLE app.t ALTER COLUMN m DROP DEFAULT;\nDROP VIEW app.v;\nDROP POLICY t_read ON app.t;\n"
        "ALTER TABLE app.t ALTER COLUMN m TYPE app.mood USING m::text::app.mood;\n"
        "ALTER TABLE app.t ALTER COLUMN m SET DEFAULT 'ok';\nDROP TYPE app.mood_old;\n"
        "CREATE VIEW app.v AS SELECT id FROM app.t WHERE m = 'ok';\nCREATE POLICY t_read ON app.t FOR SELECT USING (m = 'ok');\n"}});
  const auto db = cluster().create_database();
  const auto result = verify(set, db);
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(versions(db) == "1,2");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'app.t'::regclass AND attname = 'note'", db) ==
             "1");
}

BOOST_AUTO_TEST_CASE(a_leaky_down_is_exit_4_naming_what_it_left_behind) {
  Files files = lc_set();
  files["0002_lc_a_n.down.sql"] = "SELECT 1;\n";  // forgets the index
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto result = verify(set, db);
  BOOST_TEST_MESSAGE("verify on a leaky down printed:\n" << result.err);
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "index lc_a_n on lc_a is still there after down of 2"), result.err);
  BOOST_TEST(contains(result.err, "verify: the down of 2 does not restore the schema before its up"), result.err);
  // The downs above it were checked first; the one below it never ran.
  BOOST_TEST(!contains(result.err, "after down of 3"), result.err);
  BOOST_TEST(versions(db) == "1,2,3");
}

BOOST_AUTO_TEST_CASE(a_down_that_changes_what_it_should_restore_is_named_with_both_definitions) {
  Files files = lc_set();
  files["0003_lc_b.down.sql"] = "DROP TABLE lc_b;\nALTER TABLE lc_a ALTER COLUMN n TYPE bigint;\n";
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto result = verify(set, db);
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "column n on lc_a differs after down of 3: 'position 2 bigint', expected 'position 2 integer'"),
             result.err);
}

BOOST_AUTO_TEST_CASE(a_down_that_fails_is_exit_4_and_the_database_stays_at_the_newest) {
  Files files = lc_set();
  files["0002_lc_a_n.down.sql"] = "DROP INDEX lc_a_n_typo;\n";
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto result = verify(set, db);
  BOOST_TEST_MESSAGE("verify on a failing down printed:\n" << result.err);
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "0002_lc_a_n.down.sql"), result.err);
  BOOST_TEST(contains(result.err, "lc_a_n_typo"), result.err);
  BOOST_TEST(contains(result.err, "verify: the down of 2 failed"), result.err);
  BOOST_TEST(versions(db) == "1,2,3");
}

BOOST_AUTO_TEST_CASE(a_version_without_a_down_file_ends_the_check_there) {
  Files files = lc_set();
  files.erase("0001_lc_a.down.sql");
  const SetDir set(files);
  const auto db = cluster().create_database();
  const auto refused = verify(set, db);
  BOOST_TEST(refused.exit_code == 4, describe(refused));
  BOOST_TEST(contains(refused.err, "version 1 has no down file: the check of the way back ends there (versions 2 to 3 "
                                   "went down and up again and restored the schema); --allow-irreversible accepts it"),
             refused.err);
  BOOST_TEST(versions(db) == "1,2,3");
  const auto other = cluster().create_database();
  const auto allowed = verify(set, other, {"--allow-irreversible"});
  BOOST_TEST(allowed.exit_code == 0, describe(allowed));
  BOOST_TEST(versions(other) == "1,2,3");
}

BOOST_AUTO_TEST_CASE(a_database_that_is_not_empty_is_refused_untouched) {
  const SetDir set(lc_set());
  const auto db = cluster().create_database();
  cluster().query("CREATE TABLE customers (id int); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", db);
  const auto result = verify(set, db);
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "verify refused: the database is not empty (function f, table customers)"), result.err);
  BOOST_TEST(cluster().scalar("SELECT to_regclass('dbinit_schema_history') IS NULL", db) == "t");
  BOOST_TEST(cluster().scalar("SELECT to_regclass('lc_a') IS NULL", db) == "t");
}

BOOST_AUTO_TEST_CASE(an_extension_alone_is_still_a_scratch_database) {
  const SetDir set(lc_set());
  const auto db = cluster().create_database();
  cluster().query("CREATE EXTENSION IF NOT EXISTS pgcrypto", db);
  const auto result = verify(set, db);
  BOOST_TEST(result.exit_code == 0, describe(result));
}
