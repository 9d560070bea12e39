#define BOOST_TEST_MODULE options
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "config/options.hpp"
#include "text.hpp"

using dbinit::test::contains;

using namespace dbinit;
using Args = std::vector<std::string>;

namespace {

Config parse_ok(const Args& args, const Args& env = {}) {
  auto outcome = parse_options(args, env);
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.error);
  return *outcome.config;
}

std::string parse_error(const Args& args, const Args& env = {}) {
  auto outcome = parse_options(args, env);
  BOOST_TEST(!outcome.config.has_value());
  BOOST_TEST((outcome.exit_code == ExitCode::usage));
  return outcome.error;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_match_the_documentation) {
  const auto config = parse_ok({"--", "app"});
  BOOST_TEST(config.database.wait_timeout.count() == 60'000);
  BOOST_TEST(config.database.connect_timeout.count() == 5'000);
  BOOST_TEST(config.database.backoff.initial.count() == 200);
  BOOST_TEST(config.database.backoff.max.count() == 5'000);
  BOOST_TEST(config.migrate.lock_timeout.count() == 300'000);
  BOOST_TEST(config.supervise.stop_grace.count() == 5'000);
  BOOST_TEST(config.migrate.history_table.name == "dbinit_schema_history");
  BOOST_TEST(!config.database.skip_wait);
  BOOST_TEST(!config.migrate.skip);
  BOOST_TEST((config.supervise.mode == Mode::automatic));
}

BOOST_AUTO_TEST_CASE(command_after_double_dash_keeps_its_own_options) {
  const auto config = parse_ok({"--wait-timeout", "3s", "--", "uvicorn", "app:app", "--port", "7860"});
  BOOST_TEST(config.database.wait_timeout.count() == 3'000);
  BOOST_TEST((config.command == Command::run));
  BOOST_TEST(config.command_argv == Args({"uvicorn", "app:app", "--port", "7860"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(command_without_double_dash_ends_dbinit_options) {
  const auto config = parse_ok({"--skip-wait", "python3", "-m", "http.server", "--wait-timeout", "x"});
  BOOST_TEST(config.database.skip_wait);
  BOOST_TEST(config.command_argv.size() == 5u);
  BOOST_TEST(config.command_argv[0] == "python3");
}

BOOST_AUTO_TEST_CASE(subcommands) {
  BOOST_TEST((parse_ok({"wait"}).command == Command::wait));
  BOOST_TEST((parse_ok({"--wait-timeout", "1s", "migrate", "--target", "3"}).command == Command::migrate));
  BOOST_TEST(parse_ok({"migrate", "--target", "3"}).migrate.target.value() == 3);
  BOOST_TEST((parse_ok({"status"}).command == Command::status));
  BOOST_TEST((parse_ok({"sql"}).command == Command::sql));
  // After "--" a word is a program, even if it is called "wait".
  const auto config = parse_ok({"--", "wait"});
  BOOST_TEST((config.command == Command::run));
  BOOST_TEST(config.command_argv.front() == "wait");
}

BOOST_AUTO_TEST_CASE(environment_sets_options_and_the_command_line_wins) {
  const Args env = {"DBINIT_WAIT_TIMEOUT=2m", "DBINIT_SKIP_MIGRATIONS=TRUE", "DATABASE_URL=postgresql://a/b",
                    "DBINIT_SIGNAL_MAP=TERM:INT,USR1:HUP"};
  auto config = parse_ok({"--", "app"}, env);
  BOOST_TEST(config.database.wait_timeout.count() == 120'000);
  BOOST_TEST(config.migrate.skip);
  BOOST_TEST(config.database.database_url == "postgresql://a/b");
  BOOST_TEST(config.supervise.signal_map.size() == 2u);
  BOOST_TEST(config.supervise.signal_map[0].from == SIGTERM);
  BOOST_TEST(config.supervise.signal_map[0].to == SIGINT);
  config = parse_ok({"--wait-timeout=5s", "--skip-migrations=no", "--", "app"}, env);
  BOOST_TEST(config.database.wait_timeout.count() == 5'000);
  BOOST_TEST(!config.migrate.skip);
}

BOOST_AUTO_TEST_CASE(dbinit_variable_beats_the_generic_fallback) {
  const auto config = parse_ok({"wait"}, {"DATABASE_URL=postgresql://generic/x", "DBINIT_DATABASE_URL=postgresql://own/x",
                                          "DATABASE_URL_UNPOOLED=postgresql://direct/x"});
  BOOST_TEST(config.database.database_url == "postgresql://own/x");
  BOOST_TEST(config.database.migration_url == "postgresql://direct/x");
}

BOOST_AUTO_TEST_CASE(empty_variables_count_as_unset) {
  BOOST_TEST(parse_ok({"wait"}, {"DBINIT_WAIT_TIMEOUT="}).database.wait_timeout.count() == 60'000);
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_option_or_variable_and_the_accepted_forms) {
  auto error = parse_error({"--wait-timeout", "soon", "--", "app"});
  BOOST_TEST(contains(error, "--wait-timeout"));
  BOOST_TEST(contains(error, "250ms"));
  error = parse_error({"--", "app"}, {"DBINIT_CONNECT_TIMEOUT=5 seconds"});
  BOOST_TEST(contains(error, "DBINIT_CONNECT_TIMEOUT"));
  error = parse_error({"wait"}, {"DBINIT_SKIP_WAIT=maybe"});
  BOOST_TEST(contains(error, "DBINIT_SKIP_WAIT"));
  BOOST_TEST(contains(error, "true/false"));
  BOOST_TEST(contains(parse_error({"--log-level", "loud", "wait"}), "debug, info, warn, error"));
  BOOST_TEST(contains(parse_error({"--log-format", "xml", "wait"}), "text, json"));
  BOOST_TEST(contains(parse_error({"--mode", "fork", "wait"}), "auto, supervise, exec"));
  BOOST_TEST(contains(parse_error({"--signal-map", "TERM", "wait"}), "FROM:TO"));
  BOOST_TEST(contains(parse_error({"--signal-map", "TERM:NOPE", "wait"}), "FROM:TO"));
  BOOST_TEST(contains(parse_error({"migrate", "--target", "-1"}), "--target"));
  BOOST_TEST(contains(parse_error({"--no-such-option", "wait"}), "no-such-option"));
  BOOST_TEST(contains(parse_error({"--wait-timeout", "wait"}), "--wait-timeout"));
  BOOST_TEST(contains(parse_error({"--backoff-initial=10s", "--backoff-max=1s", "wait"}), "--backoff-max"));
  BOOST_TEST(contains(parse_error({"--connect-timeout=0", "wait"}), "--connect-timeout"));
  BOOST_TEST(contains(parse_error({"--repair", "3", "wait"}), "--repair"));
  BOOST_TEST(contains(parse_error({}), "no command given"));
  BOOST_TEST(contains(parse_error({"wait", "extra"}), "extra"));
}

BOOST_AUTO_TEST_CASE(unknown_dbinit_variables_are_reported) {
  const auto outcome = parse_options({"wait"}, {"DBINIT_SKIP_MIGRATION=true"});
  BOOST_TEST_REQUIRE(outcome.warnings.size() == 1u);
  BOOST_TEST(contains(outcome.warnings.front(), "DBINIT_SKIP_MIGRATION"));
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_with_its_variable) {
  const auto outcome = parse_options({"--help"}, {});
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  for (const char* part : {"--wait-timeout", "DBINIT_WAIT_TIMEOUT", "DATABASE_URL", "DBINIT_SKIP_MIGRATIONS",
                           "DBINIT_MODE", "DBINIT_SIGNAL_MAP", "DBINIT_LOG_FORMAT", "Exit codes"})
    BOOST_TEST(contains(outcome.output, part), part);
}

BOOST_AUTO_TEST_CASE(version_is_a_command_that_sees_the_options) {
  const auto version = parse_options({"--migrations-dir", "db/sql", "--version"}, {});
  BOOST_TEST_REQUIRE(version.config.has_value(), version.error);
  BOOST_TEST((version.config->command == Command::version));
  BOOST_TEST(version.config->migrate.migrations_dir.value_or("") == "db/sql");
}

BOOST_AUTO_TEST_CASE(lint_passes_on_what_dbinit_does_not_read_itself) {
  const auto lint = parse_options({"lint", "--format", "github", "db/migrations", "--wait-timeout", "1s", "--rules",
                                   "--format=json", "x.sql", "--help"},
                                  {});
  BOOST_TEST_REQUIRE(lint.config.has_value(), lint.error);
  BOOST_TEST((lint.config->command == Command::lint));
  BOOST_TEST(lint.config->command_argv == (std::vector<std::string>{"--format", "github", "db/migrations", "--rules",
                                                                    "--format=json", "x.sql", "--help"}));
  BOOST_TEST(lint.config->database.wait_timeout.count() == 1000);
  const auto dir = parse_options({"lint", "--migrations-dir", "sql"}, {});
  BOOST_TEST_REQUIRE(dir.config.has_value(), dir.error);
  BOOST_TEST(dir.config->command_argv.empty());
  BOOST_TEST(dir.config->migrate.migrations_dir.value_or("") == "sql");
}

BOOST_AUTO_TEST_CASE(bundle_and_new_take_one_word_and_options_after_it) {
  const auto bundle = parse_options({"bundle", "/app/sql", "--output", "/usr/local/bin/dbinit"}, {});
  BOOST_TEST_REQUIRE(bundle.config.has_value(), bundle.error);
  BOOST_TEST((bundle.config->command == Command::bundle));
  BOOST_TEST(bundle.config->command_argv == std::vector<std::string>{"/app/sql"});
  BOOST_TEST(bundle.config->output == "/usr/local/bin/dbinit");
  const auto created = parse_options({"new", "add_user_id", "--migrations-dir", "db"}, {});
  BOOST_TEST_REQUIRE(created.config.has_value(), created.error);
  BOOST_TEST((created.config->command == Command::new_migration));
  BOOST_TEST(created.config->command_argv == std::vector<std::string>{"add_user_id"});
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"bundle", "sql"}, {"bundle", "--output", "x"}, {"bundle", "a", "b", "--output", "x"}, {"new"},
           {"new", "a", "b"}, {"migrate", "--output", "x"}}) {
    const auto outcome = parse_options(bad, {});
    BOOST_TEST(!outcome.config.has_value(), bad.front());
    BOOST_TEST((outcome.exit_code == ExitCode::usage));
  }
}

BOOST_AUTO_TEST_CASE(await_migrations_is_for_a_command_and_migrates_nothing) {
  const auto config = parse_ok({"--", "app"}, {"DBINIT_AWAIT_MIGRATIONS=yes"});
  BOOST_TEST(config.migrate.await_migrations);
  BOOST_TEST(parse_ok({"--await-migrations", "--", "app"}).migrate.await_migrations);
  BOOST_TEST(parse_error({"migrate", "--await-migrations"}).find("only accepted by 'dbinit -- COMMAND'") != std::string::npos);
  BOOST_TEST(parse_error({"--await-migrations", "--target", "2", "--", "app"}).find("migrates nothing") != std::string::npos);
  BOOST_TEST(parse_error({"--await-migrations", "--skip-migrations", "--", "app"}).find("migrates nothing") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_is_a_subcommand_and_allow_irreversible_is_its_own) {
  const auto config = parse_ok({"verify", "--allow-irreversible"});
  BOOST_TEST((config.command == Command::verify));
  BOOST_TEST(config.migrate.allow_irreversible);
  BOOST_TEST(parse_error({"migrate", "--allow-irreversible"}).find("only accepted by 'dbinit verify'") != std::string::npos);
  BOOST_TEST(parse_error({"verify", "--target", "1"}).find("do not apply") != std::string::npos);
}
