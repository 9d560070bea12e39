#define BOOST_TEST_MODULE migration_plan
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "migrate/plan.hpp"
#include "migration_builder.hpp"
#include "text.hpp"

using namespace dbinit::test;

using namespace dbinit;

namespace {

// "up 1, up 2" / "down 3": the plan in a comparable form.
std::string steps_of(const MigrationPlan& plan) {
  std::string out;
  for (const auto& step : plan.steps)
    out += (out.empty() ? "" : ", ") + std::string(step.direction == Direction::up ? "up " : "down ") +
           std::to_string(step.migration->version);
  return out;
}

std::string all_warnings(const MigrationPlan& plan) {
  std::string out;
  for (const auto& warning : plan.warnings) out += warning + "\n";
  return out;
}

const Refusal& refusal_of(const MigrationPlan& plan) {
  BOOST_TEST_REQUIRE(plan.refusal.has_value(), "expected a refusal; steps: " << steps_of(plan));
  BOOST_TEST(plan.steps.empty(), "a refused plan has steps: " << steps_of(plan));
  return *plan.refusal;
}

const Refusal& refusal_of(MigrationPlan&&) = delete;  // would dangle

std::optional<std::string> transaction_problem(const std::string& sql, bool no_transaction = false) {
  return transaction_control_problem(MigrationScript{"0002_x.up.sql", sql, no_transaction});
}

}  // namespace

BOOST_AUTO_TEST_CASE(fresh_database_gets_every_migration_up_in_order) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, History{}, {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(plan.warnings.empty(), all_warnings(plan));
  BOOST_TEST(steps_of(plan) == "up 1, up 2, up 3");
  BOOST_TEST(plan.steps[0].migration == &set[0]);  // points into the embedded set
}

BOOST_AUTO_TEST_CASE(nothing_to_do_when_everything_is_applied) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, applied_all(set), {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(plan.warnings.empty(), all_warnings(plan));
  BOOST_TEST(plan.steps.empty(), steps_of(plan));
  BOOST_TEST(plan_migrations({}, History{}, {}).steps.empty());
}

BOOST_AUTO_TEST_CASE(only_pending_versions_are_applied) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, history_of({row_for(set[0])}), {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "up 2, up 3");
}

BOOST_AUTO_TEST_CASE(checksum_mismatch_is_drift_naming_the_versions) {
  const auto set = embedded({1, 2, 3});
  auto history = applied_all(set);
  history.rows[0].checksum = migration_checksum("something else");
  history.rows[2].checksum = migration_checksum("something else again");
  const auto plan = plan_migrations(set, history, {});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_drift));
  BOOST_TEST(contains(refusal.message, "checksum mismatch"), refusal.message);
  BOOST_TEST(contains(refusal.message, "version 1, 3"), refusal.message);
}

BOOST_AUTO_TEST_CASE(checksum_mismatch_refuses_even_with_pending_work) {
  const auto set = embedded({1, 2});
  auto history = history_of({row_for(set[0])});
  history.rows[0].checksum = "0000";
  const auto plan = plan_migrations(set, history, {});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_drift));
}

BOOST_AUTO_TEST_CASE(dirty_version_fails_and_points_at_repair) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, history_of({row_for(set[0]), row_for(set[1], "dirty")}), {});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_failed));
  BOOST_TEST(contains(refusal.message, "migration 2 is marked dirty"), refusal.message);
  BOOST_TEST(contains(refusal.message, "dbinit migrate --repair 2"), refusal.message);
}

BOOST_AUTO_TEST_CASE(unknown_applied_version_between_known_ones_is_drift) {
  const auto set = embedded({1, 3});
  const auto plan = plan_migrations(set, history_of({row_for(set[0]), foreign_row(2), row_for(set[1])}), {});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_drift));
  BOOST_TEST(contains(refusal.message, "version 2"), refusal.message);
  BOOST_TEST(!contains(refusal.message, "version 2, "), refusal.message);
}

BOOST_AUTO_TEST_CASE(database_ahead_is_a_warning_by_default) {
  const auto set = embedded({1, 2});
  auto history = applied_all(set);
  history.rows.push_back(foreign_row(5));
  const auto plan = plan_migrations(set, history, {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(plan.steps.empty(), steps_of(plan));
  BOOST_TEST_REQUIRE(plan.warnings.size() == 1u);
  BOOST_TEST(contains(plan.warnings[0], "ahead"), plan.warnings[0]);
  BOOST_TEST(contains(plan.warnings[0], "5"), plan.warnings[0]);
}

BOOST_AUTO_TEST_CASE(database_ahead_is_drift_with_strict) {
  const auto set = embedded({1, 2});
  auto history = applied_all(set);
  history.rows.push_back(foreign_row(5));
  history.rows.push_back(foreign_row(6));
  const auto plan = plan_migrations(set, history, {std::nullopt, true});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_drift));
  BOOST_TEST(contains(refusal.message, "5, 6"), refusal.message);
  BOOST_TEST(contains(refusal.message, "--strict"), refusal.message);
}

BOOST_AUTO_TEST_CASE(target_below_applied_goes_down_newest_first) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, applied_all(set), {1, false});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "down 3, down 2");
  BOOST_TEST(plan_migrations(set, applied_all(set), {0, false}).steps.size() == 3u);
}

BOOST_AUTO_TEST_CASE(target_down_without_down_file_is_refused_before_any_step) {
  std::vector<Migration> set{numbered(1), numbered(2, "", false), numbered(3)};
  const auto plan = plan_migrations(set, applied_all(set), {1, false});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_failed));
  BOOST_TEST(contains(refusal.message, "cannot migrate down to 1"), refusal.message);
  BOOST_TEST(contains(refusal.message, "no down file for version 2"), refusal.message);
  // Above the missing one only: version 3 alone can go down.
  BOOST_TEST(steps_of(plan_migrations(set, applied_all(set), {2, false})) == "down 3");
}

BOOST_AUTO_TEST_CASE(target_stops_the_pending_run) {
  const auto set = embedded({1, 2, 3, 4});
  const auto plan = plan_migrations(set, history_of({row_for(set[0])}), {3, false});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "up 2, up 3");
  BOOST_TEST(steps_of(plan_migrations(set, History{}, {99, false})) == "up 1, up 2, up 3, up 4");
  BOOST_TEST(steps_of(plan_migrations(set, applied_all(set), {4, false})).empty());
}

BOOST_AUTO_TEST_CASE(pending_version_older_than_applied_ones_is_applied_with_a_warning) {
  const auto set = embedded({1, 2, 3});
  const auto plan = plan_migrations(set, history_of({row_for(set[0]), row_for(set[2])}), {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "up 2");
  BOOST_TEST_REQUIRE(plan.warnings.size() == 1u);
  BOOST_TEST(contains(plan.warnings[0], "version 2"), plan.warnings[0]);
  BOOST_TEST(contains(plan.warnings[0], "out of order"), plan.warnings[0]);
}

BOOST_AUTO_TEST_CASE(transaction_control_in_a_transactional_migration_is_refused_with_file_and_line) {
  std::vector<Migration> set{numbered(1), numbered(2, "CREATE TABLE a (x int);\n\n  COMMIT;\nCREATE TABLE b (x int);\n")};
  const auto plan = plan_migrations(set, History{}, {});
  const auto& refusal = refusal_of(plan);
  BOOST_TEST((refusal.exit_code == ExitCode::migration_failed));
  BOOST_TEST(refusal.message.starts_with("0002_step_2.up.sql:3: COMMIT is not allowed"), refusal.message);
  BOOST_TEST(contains(refusal.message, "-- dbinit:no-transaction"), refusal.message);
  // Nothing is planned even though version 1 was fine.
  BOOST_TEST(plan.steps.empty());
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
  std::vector<Migration> set{numbered(1, "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\nCOMMIT;\n",
                                       true, true)};
  const auto plan = plan_migrations(set, History{}, {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "up 1");
}

