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
  const auto plan = plan_migrations(set, history_of({row_for(set[0]), row_for(set[1], HistoryState::dirty)}), {});
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

