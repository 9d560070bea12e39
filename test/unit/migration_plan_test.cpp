#define BOOST_TEST_MODULE migration_plan
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "checksum.hpp"
#include "migration_plan.hpp"
#include "text.hpp"

using dbinit::test::contains;

using namespace dbinit;

namespace {

std::string padded(long long version) {
  auto text = std::to_string(version);
  return std::string(4 - std::min<std::size_t>(4, text.size()), '0') + text;
}

Migration migration(long long version, std::string up_sql = "", bool with_down = true, bool no_transaction = false) {
  Migration m;
  m.version = version;
  m.name = "step_" + std::to_string(version);
  if (up_sql.empty()) up_sql = "CREATE TABLE t" + std::to_string(version) + " (x int);\n";
  m.checksum = migration_checksum(up_sql);
  m.up = {padded(version) + "_" + m.name + ".up.sql", std::move(up_sql), no_transaction};
  if (with_down)
    m.down = MigrationScript{padded(version) + "_" + m.name + ".down.sql", "DROP TABLE t" + std::to_string(version) + ";\n", false};
  return m;
}

std::vector<Migration> embedded(std::initializer_list<long long> versions) {
  std::vector<Migration> out;
  for (const auto version : versions) out.push_back(migration(version));
  return out;
}

HistoryRow row_for(const Migration& m, std::string state = "applied") {
  return {m.version, m.name, m.checksum, std::move(state), "2026-01-0" + std::to_string(m.version % 9 + 1) + " 10:00:00+00"};
}

HistoryRow foreign_row(long long version) {
  return {version, "from_elsewhere", migration_checksum("SELECT 'elsewhere';"), "applied", "2026-01-01 10:00:00+00"};
}

History history_of(std::vector<HistoryRow> rows) { return {true, std::move(rows)}; }

History applied_all(const std::vector<Migration>& set) {
  History history{true, {}};
  for (const auto& m : set) history.rows.push_back(row_for(m));
  return history;
}

// "up 1, up 2" / "down 3": the plan in a comparable form.
std::string steps_of(const MigrationPlan& plan) {
  std::string out;
  for (const auto& step : plan.steps)
    out += (out.empty() ? "" : ", ") + std::string(step.direction == StepDirection::up ? "up " : "down ") +
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
  std::vector<Migration> set{migration(1), migration(2, "", false), migration(3)};
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
  std::vector<Migration> set{migration(1), migration(2, "CREATE TABLE a (x int);\n\n  COMMIT;\nCREATE TABLE b (x int);\n")};
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
  std::vector<Migration> set{migration(1, "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\nCOMMIT;\n",
                                       true, true)};
  const auto plan = plan_migrations(set, History{}, {});
  BOOST_TEST(!plan.refusal.has_value());
  BOOST_TEST(steps_of(plan) == "up 1");
}

BOOST_AUTO_TEST_CASE(status_lists_every_state) {
  const auto set = embedded({1, 2, 3, 4});
  // 1 applied, 2 changed since, 3 pending, 4 dirty, 9 applied by a newer dbinit.
  const auto history = history_of({row_for(set[0]), {2, set[1].name, "changed", "applied", "2026-01-02"}, row_for(set[3], "dirty"),
                        foreign_row(9)});
  const auto rows = migration_status(set, history);
  BOOST_TEST_REQUIRE(rows.size() == 5u);
  BOOST_TEST(rows[0].version == 1);
  BOOST_TEST((rows[0].state == MigrationState::applied));
  BOOST_TEST(rows[0].applied_at == history.rows[0].applied_at);
  BOOST_TEST(rows[0].name == "step_1");
  BOOST_TEST((rows[1].state == MigrationState::checksum_mismatch));
  BOOST_TEST(rows[2].version == 3);
  BOOST_TEST((rows[2].state == MigrationState::pending));
  BOOST_TEST(rows[2].applied_at.empty());
  BOOST_TEST((rows[3].state == MigrationState::dirty));
  BOOST_TEST(rows[4].version == 9);
  BOOST_TEST((rows[4].state == MigrationState::unknown));
  BOOST_TEST(rows[4].name == "from_elsewhere");
}

BOOST_AUTO_TEST_CASE(status_exit_codes) {
  const auto set = embedded({1, 2, 3});
  auto code = [&](const History& history) { return to_int(status_exit_code(migration_status(set, history), set)); };
  BOOST_TEST(code(applied_all(set)) == 0);
  BOOST_TEST(code(History{}) == 1);
  BOOST_TEST(code(history_of({row_for(set[0])})) == 1);
  BOOST_TEST(code(history_of({row_for(set[0]), row_for(set[1], "dirty")})) == 4);
  auto mismatched = applied_all(set);
  mismatched.rows[1].checksum = "changed";
  BOOST_TEST(code(mismatched) == 6);
  BOOST_TEST(code(history_of({row_for(set[0]), foreign_row(2)})) == 6);
  // An unknown version newer than every embedded one is not drift (rolling deploy).
  auto ahead = applied_all(set);
  ahead.rows.push_back(foreign_row(7));
  BOOST_TEST(code(ahead) == 0);
}

BOOST_AUTO_TEST_CASE(unknown_version_between_known_ones_makes_status_drift) {
  const auto set = embedded({1, 3});
  const auto history = history_of({row_for(set[0]), foreign_row(2), row_for(set[1])});
  BOOST_TEST((status_exit_code(migration_status(set, history), set) == ExitCode::migration_drift));
}

BOOST_AUTO_TEST_CASE(state_names) {
  BOOST_TEST(state_name(MigrationState::applied) == "applied");
  BOOST_TEST(state_name(MigrationState::pending) == "pending");
  BOOST_TEST(state_name(MigrationState::checksum_mismatch) == "checksum mismatch");
  BOOST_TEST(state_name(MigrationState::unknown) == "unknown");
  BOOST_TEST(state_name(MigrationState::dirty) == "dirty");
}

BOOST_AUTO_TEST_CASE(status_table_has_aligned_columns) {
  std::vector<StatusRow> rows{{1, "create_conversations", MigrationState::applied, "2026-01-01 10:00:00+00"},
                              {12, "x", MigrationState::checksum_mismatch, "2026-01-02 10:00:00+00"},
                              {123, "pending_one", MigrationState::pending, ""}};
  const auto table = format_status_table(rows);
  std::istringstream in(table);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  BOOST_TEST_REQUIRE(lines.size() == 4u, table);
  const auto& header = lines[0];
  BOOST_TEST(header.starts_with("VERSION"));
  const auto name_at = header.find("NAME");
  const auto state_at = header.find("STATE");
  const auto applied_at = header.find("APPLIED_AT");
  BOOST_TEST_REQUIRE((name_at != std::string::npos && state_at != std::string::npos && applied_at != std::string::npos));
  BOOST_TEST(name_at < state_at);
  BOOST_TEST(state_at < applied_at);
  // The widest name still leaves a gap before STATE.
  BOOST_TEST(state_at >= name_at + std::string("create_conversations").size() + 1);
  BOOST_TEST(lines[1].starts_with("1 "));
  BOOST_TEST(lines[1].substr(name_at).starts_with("create_conversations "));
  BOOST_TEST(lines[1].substr(state_at).starts_with("applied "));
  BOOST_TEST(lines[1].substr(applied_at) == "2026-01-01 10:00:00+00");
  BOOST_TEST(lines[2].substr(name_at).starts_with("x "));
  BOOST_TEST(lines[2].substr(state_at).starts_with("checksum mismatch "));
  BOOST_TEST(lines[3].starts_with("123 "));
  BOOST_TEST(lines[3].substr(state_at).starts_with("pending "));
  BOOST_TEST(lines[3].substr(applied_at) == "-");
}
