#define BOOST_TEST_MODULE phases
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "config/phases.hpp"

using namespace dbinit;

namespace {

Config parsed(std::vector<std::string> args) {
  auto outcome = parse_options(args, {});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.error);
  return *outcome.config;
}

std::string phases_of(std::vector<std::string> args) {
  const auto phases = phases_for(parsed(std::move(args)));
  std::string out = phases.wait ? "wait" : "-";
  if (phases.migrate) {
    switch (*phases.migrate) {
      case MigrateAction::apply: out += " migrate"; break;
      case MigrateAction::status: out += " status"; break;
      case MigrateAction::sql: out += " sql"; break;
      case MigrateAction::verify: out += " verify"; break;
      case MigrateAction::await_schema: out += " await"; break;
    }
  }
  return out + (phases.hand_off ? " hand-off" : "");
}

// The session settings of a Config, its URLs parsed as main parses them.
DatabaseUrls urls_of(const Config& config) { return parse_database_urls(config.database); }
SessionSettings session_settings_of(const Config& config) { return session_settings(config, urls_of(config)); }

}  // namespace

BOOST_AUTO_TEST_CASE(each_command_runs_its_phases) {
  BOOST_TEST(phases_of({"--", "app"}) == "wait migrate hand-off");
  BOOST_TEST(phases_of({"wait"}) == "wait");
  BOOST_TEST(phases_of({"migrate"}) == "wait migrate");
  BOOST_TEST(phases_of({"status"}) == "wait status");
  BOOST_TEST(phases_of({"sql"}) == "wait sql");
  BOOST_TEST(phases_of({"verify"}) == "wait verify");
  BOOST_TEST(phases_of({"--await-migrations", "--", "app"}) == "wait await hand-off");
}

BOOST_AUTO_TEST_CASE(skipping_migrations_and_the_wait) {
  BOOST_TEST(phases_of({"--skip-migrations", "--", "app"}) == "wait hand-off");
  BOOST_TEST(phases_of({"--skip-migrations", "--skip-wait", "--", "app"}) == "- hand-off");
  // Migrating needs a session: --skip-wait leaves one attempt, not none.
  BOOST_TEST(phases_of({"--skip-wait", "--", "app"}) == "wait migrate hand-off");
  BOOST_TEST(phases_of({"--skip-wait", "migrate"}) == "wait migrate");
}

BOOST_AUTO_TEST_CASE(skip_wait_is_one_attempt_except_for_dbinit_wait) {
  BOOST_TEST(session_settings_of(parsed({"--", "app"})).max_attempts == 0u);
  BOOST_TEST(session_settings_of(parsed({"--skip-wait", "--", "app"})).max_attempts == 1u);
  BOOST_TEST(session_settings_of(parsed({"--skip-wait", "migrate"})).max_attempts == 1u);
  BOOST_TEST(session_settings_of(parsed({"--skip-wait", "wait"})).max_attempts == 0u);
}

BOOST_AUTO_TEST_CASE(a_migrating_session_reads_the_history_first_over_the_direct_host) {
  const auto migrating = session_settings_of(parsed({"--database-url", "postgresql://u@ep-a-pooler.x.neon.tech/db",
                                                  "--history-table", "ops.log", "migrate"}));
  BOOST_TEST(migrating.first_read_sql.ends_with("FROM \"ops\".\"log\" ORDER BY version"), migrating.first_read_sql);
  BOOST_TEST(migrating.target.host_override.value_or("<none>") == "ep-a.x.neon.tech");
  const auto app_only = session_settings_of(parsed({"--database-url", "postgresql://u@ep-a-pooler.x.neon.tech/db",
                                                 "--skip-migrations", "--", "app"}));
  BOOST_TEST(app_only.first_read_sql == "SELECT 1");
  BOOST_TEST(!app_only.target.host_override.has_value());
}

BOOST_AUTO_TEST_CASE(secrets_come_from_both_urls_and_pgpassword) {
  ::setenv("PGPASSWORD", "from-env", 1);
  const auto secrets = database_secrets(urls_of(parsed({"--database-url", "postgresql://u:pooled-pw@h/db", "--migration-url",
                                                "host=d password=direct-pw", "migrate"})));
  ::unsetenv("PGPASSWORD");
  BOOST_TEST(secrets == (std::vector<std::string>{"pooled-pw", "direct-pw", "from-env"}), secrets.size());
}
