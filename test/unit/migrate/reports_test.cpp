#define BOOST_TEST_MODULE reports
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/reports.hpp"
#include "migration_builder.hpp"
#include "text.hpp"

using namespace dbinit;
using namespace dbinit::test;

BOOST_AUTO_TEST_CASE(status_lists_every_state) {
  const auto set = embedded({1, 2, 3, 4});
  // 1 applied, 2 changed since, 3 pending, 4 dirty, 9 applied by a newer dbinit.
  const auto history = history_of({row_for(set[0]), {.version = 2,
                                                         .name = set[1].name,
                                                         .checksum = "changed",
                                                         .state = HistoryState::applied,
                                                         .applied_at = "2026-01-02",
                                                         .duration_ms = 12,
                                                         .applied_by = "test"}, row_for(set[3], HistoryState::dirty),
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
  BOOST_TEST(code(history_of({row_for(set[0]), row_for(set[1], HistoryState::dirty)})) == 4);
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
  std::vector<StatusRow> rows{{1, "create_conversations", MigrationState::applied, "2026-01-01 10:00:00+00", "c1", 4},
                              {12, "x", MigrationState::checksum_mismatch, "2026-01-02 10:00:00+00", "c2", {}},
                              {123, "pending_one", MigrationState::pending, "", "c3", {}}};
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

// One document: every migration, the set, a summary with the exit code;
// strings escaped, unknown values null.
BOOST_AUTO_TEST_CASE(status_as_json_is_one_document_with_every_migration_the_set_and_a_summary) {
  const auto set = embedded({1, 2, 3});
  auto history = history_of({row_for(set[0]), row_for(set[1], HistoryState::dirty)});
  history.rows[0].duration_ms = 17;
  history.rows[0].applied_at = "2026-01-02 10:00:00+00";
  const auto rows = migration_status(set, history);
  MigrationSet loaded;
  loaded.source = SetSource::directory;
  loaded.location = "/app/\"sql\"";
  loaded.migrations = set;
  loaded.digest = "abc123";
  const std::string json = format_status_json(rows, loaded, status_exit_code(rows, set));
  BOOST_TEST(json == "{\"migrations\": [\n"
                     "  {\"version\": 1, \"name\": \"step_1\", \"state\": \"applied\", \"checksum\": \"" + set[0].checksum +
                     "\", \"applied_at\": \"2026-01-02 10:00:00+00\", \"duration_ms\": 17},\n"
                     "  {\"version\": 2, \"name\": \"step_2\", \"state\": \"dirty\", \"checksum\": \"" + set[1].checksum +
                     "\", \"applied_at\": \"" + history.rows[1].applied_at + "\", \"duration_ms\": null},\n"
                     "  {\"version\": 3, \"name\": \"step_3\", \"state\": \"pending\", \"checksum\": \"" + set[2].checksum +
                     "\", \"applied_at\": null, \"duration_ms\": null}\n],\n"
                     "\"set\": {\"source\": \"directory\", \"location\": \"/app/\\\"sql\\\"\", \"digest\": \"abc123\", \"count\": 3},\n"
                     "\"summary\": {\"applied\": 1, \"baselined\": 0, \"pending\": 1, \"dirty\": 1, \"checksum_mismatch\": 0, \"unknown\": 0, "
                     "\"version\": 2, \"exit_code\": 4}}\n",
             json);
}
