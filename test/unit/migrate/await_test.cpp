#define BOOST_TEST_MODULE await
#include <boost/test/unit_test.hpp>

#include "migrate/await.hpp"
#include "migration_builder.hpp"

using namespace dbinit;
using namespace dbinit::test;

BOOST_AUTO_TEST_CASE(no_history_table_yet_is_nothing_applied) {
  const auto set = embedded({1, 2, 3});
  const auto check = check_awaited(set, History{}, false);
  BOOST_TEST((check.state == AwaitState::waiting));
  BOOST_TEST(check.missing == (std::vector<long long>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(the_versions_not_yet_applied_are_missing) {
  const auto set = embedded({1, 2, 3});
  const auto check = check_awaited(set, history_of({row_for(set[0])}), false);
  BOOST_TEST((check.state == AwaitState::waiting));
  BOOST_TEST(check.missing == (std::vector<long long>{2, 3}));
}

BOOST_AUTO_TEST_CASE(every_version_applied_is_ready) {
  const auto set = embedded({1, 2});
  BOOST_TEST((check_awaited(set, applied_all(set), false).state == AwaitState::ready));
}

BOOST_AUTO_TEST_CASE(a_dirty_version_is_still_being_applied) {
  const auto set = embedded({1, 2});
  const auto check = check_awaited(set, history_of({row_for(set[0]), row_for(set[1], HistoryState::dirty)}), false);
  BOOST_TEST((check.state == AwaitState::waiting));
  BOOST_TEST(check.missing == (std::vector<long long>{2}));
}

BOOST_AUTO_TEST_CASE(a_checksum_mismatch_is_drift) {
  const auto set = embedded({1, 2});
  auto changed = row_for(set[1]);
  changed.checksum = "0000";
  const auto check = check_awaited(set, history_of({row_for(set[0]), changed}), false);
  BOOST_TEST((check.state == AwaitState::refused));
  BOOST_TEST((check.refusal->exit_code == ExitCode::migration_drift));
}

BOOST_AUTO_TEST_CASE(a_newer_database_hands_off_unless_strict) {
  const auto old_set = embedded({1, 2});
  const auto newer = embedded({1, 2, 3});
  const auto check = check_awaited(old_set, applied_all(newer), false);
  BOOST_TEST((check.state == AwaitState::ready));
  BOOST_TEST(!check.warnings.empty());
  const auto strict = check_awaited(old_set, applied_all(newer), true);
  BOOST_TEST((strict.state == AwaitState::refused));
  BOOST_TEST((strict.refusal->exit_code == ExitCode::migration_drift));
}
