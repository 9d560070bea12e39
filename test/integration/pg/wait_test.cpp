#define BOOST_TEST_MODULE wait
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fstream>
#include <thread>

#include "fake_server.hpp"
#include "pg_cluster.hpp"
#include "process.hpp"
#include "text.hpp"

using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

// Every case checks this: no password may appear in anything dbinit prints.
void expect_no_password(const ProcessResult& result, const std::string& password = superuser_password) {
  BOOST_TEST(!contains(result.out + result.err, password), "password leaked:\n" << describe(result));
}

std::string url_with_password(int port, const std::string& password, const std::string& database = "postgres") {
  return "postgresql://postgres:" + password + "@127.0.0.1:" + std::to_string(port) + "/" + database;
}

// Runs a shell script inside a fresh network namespace (loopback only), so
// iptables rules and host files there touch nothing outside the test.
ProcessOptions in_private_network(const std::string& script) {
  ProcessOptions options;
  options.argv = {"unshare", "--net", "--mount", "--", "sh", "-euc", "ip link set lo up\n" + script};
  return options;
}

}  // namespace

BOOST_AUTO_TEST_CASE(database_already_up_one_attempt) {
  const auto result = run_dbinit({"wait"}, {{"DATABASE_URL", shared_cluster().url()}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "database is ready attempts=1"), describe(result));
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(runs_the_command_with_its_arguments_and_environment_after_waiting) {
  const auto result = run_dbinit({"--skip-migrations", "--mode=exec", "--", "sh", "-c", "echo \"$0 $1 $MARKER\"", "a", "b"},
                                 {{"DATABASE_URL", shared_cluster().url()}, {"MARKER", "kept"}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.out == "a b kept\n", describe(result));
}

BOOST_AUTO_TEST_CASE(database_started_three_seconds_late_is_waited_for) {
  PgCluster late(/*start_now=*/false);
  TempDir dir;
  const std::string stamp = dir.path() + "/started";
  auto options = dbinit_options({"--skip-migrations", "--mode=exec", "--", "sh", "-c", "date +%s%N > " + stamp},
                                {{"DATABASE_URL", late.url()}, {"DBINIT_WAIT_TIMEOUT", "30s"}});
  Process dbinit(options);
  std::this_thread::sleep_for(3s);
  late.start();  // returns once the server accepts connections
  const auto ready_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  const auto result = dbinit.wait();
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "attempt failed: connection refused"), describe(result));
  BOOST_TEST(contains(result.err, "database is ready"), describe(result));
  long long started_ns = 0;
  std::ifstream(stamp) >> started_ns;
  const auto gap_ms = (started_ns - ready_ns) / 1'000'000;
  BOOST_TEST_MESSAGE("database accepted connections -> command started: " << gap_ms << " ms (upper bound: backoff-max 5s)");
  BOOST_TEST(gap_ms < 5'500);
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(wrong_password_fails_fast_with_exit_3) {
  const std::string wrong = "Wr0ng-Pa55word-Xyz";
  const auto result = run_dbinit({"wait", "--wait-timeout", "30s"},
                                 {{"DATABASE_URL", url_with_password(shared_cluster().port(), wrong)}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
  BOOST_TEST(contains(result.err, "authentication failed"), describe(result));
  BOOST_TEST(contains(result.err, "not retried"), describe(result));
  expect_no_password(result, wrong);
}

BOOST_AUTO_TEST_CASE(password_from_key_value_string_and_pgpassword_never_printed) {
  const std::string wrong = "Kv-Wr0ng-Secret";
  auto result = run_dbinit({"wait", "--wait-timeout", "30s", "--database-url",
                            "host=127.0.0.1 port=" + std::to_string(shared_cluster().port()) +
                                " user=postgres password=" + wrong + " dbname=postgres"});
  BOOST_TEST(result.exit_code == 3, describe(result));
  expect_no_password(result, wrong);
  result = run_dbinit({"wait", "--wait-timeout", "30s"},
                      {{"PGHOST", "127.0.0.1"}, {"PGPORT", std::to_string(shared_cluster().port())},
                       {"PGUSER", "postgres"}, {"PGPASSWORD", wrong}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  expect_no_password(result, wrong);
}

BOOST_AUTO_TEST_CASE(pg_variables_apply_when_no_url_is_given) {
  const auto result = run_dbinit({"wait"}, {{"PGHOST", "127.0.0.1"}, {"PGPORT", std::to_string(shared_cluster().port())},
                                            {"PGUSER", "postgres"}, {"PGPASSWORD", superuser_password}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(nonexistent_database_fails_fast_with_exit_3) {
  const auto result = run_dbinit({"wait", "--wait-timeout", "30s"},
                                 {{"DATABASE_URL", shared_cluster().url("no_such_database")}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
  BOOST_TEST(contains(result.err, "no such database"), describe(result));
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(nothing_listening_until_the_wait_timeout) {
  const int port = free_loopback_port();
  const auto result = run_dbinit({"wait", "--wait-timeout", "2s"}, {{"DATABASE_URL", url_with_password(port, superuser_password)}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(result.elapsed >= 2s, describe(result));
  BOOST_TEST(result.elapsed < 3s + sanitizer_overhead, describe(result));
  BOOST_TEST(contains(result.err, "gave up: database not ready within 2s"), describe(result));
  BOOST_TEST(contains(result.err, "last_error="), describe(result));
  BOOST_TEST(contains(result.err, "attempt=1 elapsed="), describe(result));
  BOOST_TEST(contains(result.err, "next_delay="), describe(result));
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(dropped_packets_honour_the_connect_timeout) {
  // The SYN to port 5433 is dropped, so only dbinit's own timeout ends each
  // attempt. dbinit's run is timed inside the namespace: setting up the
  // namespace and its rule takes a moment of its own on a loaded machine.
  auto options = in_private_network(
      "iptables -A INPUT -p tcp --dport 5433 -j DROP\n"
      "start=$(date +%s%N); rc=0\n"
      DBINIT_BINARY " wait --connect-timeout 700ms --wait-timeout 2500ms "
      "--database-url 'postgresql://postgres:Dr0pped-Pw@127.0.0.1:5433/postgres' || rc=$?\n"
      "echo \"dbinit ran for $(( ($(date +%s%N) - start) / 1000000 )) ms\" >&2; exit $rc");
  const auto result = run(options);
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(contains(result.err, "timeout: no answer within 700ms"), describe(result));
  const auto ran = result.err.find("dbinit ran for ");
  BOOST_TEST_REQUIRE(ran != std::string::npos, describe(result));
  const auto ran_ms = std::stol(result.err.substr(ran + 15));
  BOOST_TEST(ran_ms >= 2500, describe(result));
  // Not a whole attempt past its wait timeout.
  BOOST_TEST(ran_ms < 3500 + sanitizer_overhead.count(), describe(result));
  expect_no_password(result, "Dr0pped-Pw");
}

BOOST_AUTO_TEST_CASE(unreachable_ipv6_address_then_working_ipv4_connects_in_one_attempt) {
  // "dual.test" resolves first to an IPv6 address with no route (as on
  // Hugging Face Spaces) and then to 127.0.0.1.
  TempDir dir;
  std::ofstream(dir.path() + "/hosts") << "2001:db8::10 dual.test\n127.0.0.1 dual.test\n127.0.0.1 localhost\n";
  // A fresh network namespace cannot reach the shared cluster, so a cluster
  // runs inside it for the length of this case.
  TempDir data;
  const std::string script =
      "mount --bind " + dir.path() + "/hosts /etc/hosts\n"
      "chown postgres " + data.path() + "\n"
      "echo pw > " + data.path() + "/pw; chown postgres " + data.path() + "/pw\n"
      "runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D " + data.path() + "/d -U postgres "
      "--auth=scram-sha-256 --pwfile=" + data.path() + "/pw --no-sync > /dev/null\n"
      "runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D " + data.path() + "/d -l " + data.path() +
      "/log -w -o \"-c listen_addresses=127.0.0.1 -p 5432 -k " + data.path() + "\" start > /dev/null\n"
      "rc=0; " DBINIT_BINARY " wait --wait-timeout 10s --database-url 'postgresql://postgres:pw@dual.test:5432/postgres' || rc=$?\n"
      "runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D " + data.path() + "/d -m immediate stop > /dev/null\n"
      "exit $rc\n";
  const auto result = run(in_private_network(script));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "database is ready attempts=1"), describe(result));
}

BOOST_AUTO_TEST_CASE(sigterm_while_waiting_exits_143_within_a_second_and_never_runs_the_command) {
  TempDir dir;
  const std::string marker = dir.path() + "/ran";
  auto options = dbinit_options({"--mode=exec", "--", "touch", marker},
                                {{"DATABASE_URL", url_with_password(free_loopback_port(), superuser_password)},
                                 {"DBINIT_WAIT_TIMEOUT", "60s"}});
  Process dbinit(options);
  std::this_thread::sleep_for(1500ms);
  const auto sent = std::chrono::steady_clock::now();
  dbinit.send_signal(SIGTERM);
  const auto result = dbinit.wait();
  const auto reaction = std::chrono::steady_clock::now() - sent;
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(reaction < 1s, describe(result));
  BOOST_TEST(!std::ifstream(marker).good(), "the command ran");
}

BOOST_AUTO_TEST_CASE(sigint_while_connecting_to_a_silent_address_exits_130) {
  auto options = in_private_network(
      "iptables -A INPUT -p tcp --dport 5433 -j DROP\n"
      "exec " DBINIT_BINARY " wait --connect-timeout 30s --database-url 'postgresql://u:Pw-x@127.0.0.1:5433/d'");
  Process dbinit(options);
  std::this_thread::sleep_for(1s);
  dbinit.send_signal(SIGINT);  // sh exec'd dbinit, so this is dbinit's PID
  const auto result = dbinit.wait();
  BOOST_TEST(result.exit_code == 130, describe(result));
  BOOST_TEST(result.elapsed < 2500ms, describe(result));
}

// The migration set is read and checked before connecting: a silent
// address (every SYN dropped) does not hold back the report that the set is
// unusable until the connect timeout.
BOOST_AUTO_TEST_CASE(an_unusable_migration_set_is_exit_2_at_once_when_the_address_is_silent) {
  const auto result = run(in_private_network(
      "iptables -A INPUT -p tcp --dport 5433 -j DROP\n"
      "exec " DBINIT_BINARY " migrate --connect-timeout 30s --migrations-dir '" DBINIT_TEST_SOURCE_DIR
      "/fixtures/invalid/empty_file' --database-url 'postgresql://u:Pw-x@127.0.0.1:5433/d'"));
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "0002_second.up.sql: empty file; a migration must contain SQL"), describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
  expect_no_password(result, "Pw-x");
}

// Against a server that answers: it never hears from dbinit, not even a
// connection that closes unused.
BOOST_AUTO_TEST_CASE(an_unusable_migration_set_never_reaches_the_server) {
  PgCluster cluster(true, {"log_connections = on"});
  const auto result = run_dbinit(
      {"migrate", "--migrations-dir", DBINIT_TEST_SOURCE_DIR "/fixtures/invalid/empty_file"},
      {{"DATABASE_URL", cluster.url()}});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "0002_second.up.sql: empty file"), describe(result));
  // The backend logs a connection once forked, which may be after its
  // client has gone: give it time to.
  std::this_thread::sleep_for(1s);
  const std::string log = cluster.log();
  BOOST_TEST(!contains(log, "connection received"), log);
  expect_no_password(result);
}

BOOST_AUTO_TEST_CASE(neon_proxy_messages_while_a_compute_wakes_are_retried) {
  for (const char* message : {"Couldn't connect to compute node", "Too many connections attempts",
                              "Failed to acquire permit to connect to the database. Too many database connection "
                              "attempts are currently ongoing.",
                              "the database system is starting up", "sorry, too many clients already"}) {
    FakeServer server(message);
    const auto result = run_dbinit({"wait", "--wait-timeout", "1500ms", "--backoff-initial", "50ms", "--backoff-max", "200ms"},
                                   {{"DATABASE_URL", server.url()}});
    BOOST_TEST(result.exit_code == 3, message << "\n" << describe(result));
    BOOST_TEST(server.connections() >= 3, message);
    BOOST_TEST(contains(result.err, "gave up"), describe(result));
    expect_no_password(result, "Fake-Pa55word");
  }
}

BOOST_AUTO_TEST_CASE(fatal_server_and_neon_messages_stop_at_once) {
  for (const char* message : {"password authentication failed for user \"app\"", "role \"app\" does not exist",
                              "database \"app\" does not exist", "Endpoint is disabled",
                              "The requested endpoint could not be found, or you don't have access to it. "
                              "endpoint cannot be found",
                              "Your account or project has exceeded the compute time quota."}) {
    FakeServer server(message);
    const auto result = run_dbinit({"wait", "--wait-timeout", "30s"}, {{"DATABASE_URL", server.url()}});
    BOOST_TEST(result.exit_code == 3, message << "\n" << describe(result));
    BOOST_TEST(result.elapsed < 2s, message);
    BOOST_TEST(contains(result.err, "not retried"), describe(result));
    expect_no_password(result, "Fake-Pa55word");
  }
}

// hostaddr connects to the stand-in while host names a Neon endpoint, as
// the proxy sees it (SNI) and as dbinit reads the failure.
BOOST_AUTO_TEST_CASE(neon_proxy_refusals_through_a_neon_host_name_say_what_to_fix) {
  const struct {
    const char* message;
    const char* line;
  } cases[] = {
      {"password authentication failed for user 'app'", "endpoint that does not exist"},
      {"connection is insecure (try using `sslmode=require`)", "set sslmode=require"},
      {"Inconsistent project name inferred from SNI ('ep-a-1') and project option ('ep-b-2').",
       "remove options=endpoint="},
      {"unsupported startup parameter: options", "use the direct host"},
  };
  for (const auto& c : cases) {
    FakeServer server(c.message);
    const std::string conninfo = "host=ep-quiet-x-123456.us-east-2.aws.neon.tech hostaddr=127.0.0.1 port=" +
                                 std::to_string(server.port()) +
                                 " user=app password=Fake-Pa55word dbname=app sslmode=prefer";
    const auto result = run_dbinit({"wait", "--wait-timeout", "30s"}, {{"DATABASE_URL", conninfo}});
    BOOST_TEST(result.exit_code == 3, c.message << "\n" << describe(result));
    BOOST_TEST(result.elapsed < 2s, c.message);
    BOOST_TEST(server.connections() == 1, c.message);
    BOOST_TEST(contains(result.err, c.line), describe(result));
    BOOST_TEST(contains(result.err, "not retried"), describe(result));
    expect_no_password(result, "Fake-Pa55word");
  }
}

BOOST_AUTO_TEST_CASE(invalid_connection_string_is_exit_3_with_a_clear_line) {
  auto result = run_dbinit({"wait"}, {{"DATABASE_URL", "postgresql://u:Inv4lid-Pw@host:notaport/db"}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(result.elapsed < 2s, describe(result));
  BOOST_TEST(contains(result.err, "invalid connection string (not retried)"), describe(result));
  expect_no_password(result, "Inv4lid-Pw");
  result = run_dbinit({"wait"}, {{"DATABASE_URL", "host=db password=Inv4lid-Pw colour=blue"}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(contains(result.err, "not a valid libpq connection string: invalid connection option \"colour\""),
             describe(result));
  expect_no_password(result, "Inv4lid-Pw");
}

BOOST_AUTO_TEST_CASE(json_log_lines_are_objects_with_the_documented_keys) {
  const auto result = run_dbinit({"wait", "--log-format", "json"}, {{"DATABASE_URL", shared_cluster().url()}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.err.starts_with("{\"ts\":\""), describe(result));
  BOOST_TEST(contains(result.err, "\"level\":\"info\",\"phase\":\"wait\",\"msg\":\"database is ready\""), describe(result));
}

BOOST_AUTO_TEST_CASE(every_bad_option_and_environment_value_exits_2_naming_it) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad_flags = {
      {{"--wait-timeout", "forever", "wait"}, "--wait-timeout"},
      {{"--connect-timeout", "1d", "wait"}, "--connect-timeout"},
      {{"--backoff-initial", "x", "wait"}, "--backoff-initial"},
      {{"--backoff-max", "-5s", "wait"}, "--backoff-max"},
      {{"--skip-wait=perhaps", "wait"}, "--skip-wait"},
      {{"--skip-migrations=2", "wait"}, "--skip-migrations"},
      {{"--lock-timeout", "long", "wait"}, "--lock-timeout"},
      {{"--log-level", "verbose", "wait"}, "--log-level"},
      {{"--log-format", "yaml", "wait"}, "--log-format"},
      {{"--mode", "daemon", "wait"}, "--mode"},
      {{"--stop-grace", "soon", "wait"}, "--stop-grace"},
      {{"--signal-map", "TERM-INT", "wait"}, "--signal-map"},
      {{"--strict=sure", "wait"}, "--strict"},
      {{"--signal-group=x", "wait"}, "--signal-group"},
      {{"migrate", "--target", "v3"}, "--target"},
      {{"--bogus", "wait"}, "--bogus"},
  };
  for (const auto& [args, name] : bad_flags) {
    const auto result = run_dbinit(args);
    BOOST_TEST(result.exit_code == 2, name << "\n" << describe(result));
    BOOST_TEST(contains(result.err, name), name << "\n" << describe(result));
    BOOST_TEST(std::count(result.err.begin(), result.err.end(), '\n') == 1, "one line: " << result.err);
  }
  for (const char* variable : {"DBINIT_WAIT_TIMEOUT", "DBINIT_CONNECT_TIMEOUT", "DBINIT_BACKOFF_INITIAL",
                               "DBINIT_BACKOFF_MAX", "DBINIT_SKIP_WAIT", "DBINIT_SKIP_MIGRATIONS", "DBINIT_LOCK_TIMEOUT",
                               "DBINIT_LOG_LEVEL", "DBINIT_LOG_FORMAT", "DBINIT_MODE", "DBINIT_STOP_GRACE",
                               "DBINIT_SIGNAL_MAP", "DBINIT_STRICT", "DBINIT_SIGNAL_GROUP", "DBINIT_TARGET"}) {
    const auto result = run_dbinit({"wait"}, {{variable, "nonsense value"}});
    BOOST_TEST(result.exit_code == 2, variable << "\n" << describe(result));
    BOOST_TEST(contains(result.err, variable), variable << "\n" << describe(result));
  }
}

BOOST_AUTO_TEST_CASE(missing_command_is_127_and_non_executable_is_126) {
  const std::map<std::string, std::string> env{{"DATABASE_URL", shared_cluster().url()}};
  auto result = run_dbinit({"--mode=exec", "--skip-migrations", "--", "no-such-program-dbinit"}, env);
  BOOST_TEST(result.exit_code == 127, describe(result));
  BOOST_TEST(contains(result.err, "command not found: no-such-program-dbinit"), describe(result));
  TempDir dir;
  const std::string not_executable = dir.path() + "/data.txt";
  std::ofstream(not_executable) << "plain data\n";  // mode 0644: no execute bit
  result = run_dbinit({"--mode=exec", "--skip-migrations", "--", not_executable}, env);
  BOOST_TEST(result.exit_code == 126, describe(result));
  BOOST_TEST(contains(result.err, "cannot execute: " + not_executable), describe(result));
}

BOOST_AUTO_TEST_CASE(skip_wait_is_one_attempt_then_exit_3) {
  const auto url = "postgresql://postgres@127.0.0.1:" + std::to_string(free_loopback_port()) + "/postgres";
  const auto result = run_dbinit({"--skip-wait", "--connect-timeout", "5s", "--backoff-initial", "10ms", "migrate"},
                                 {{"DATABASE_URL", url}});
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(contains(result.err, "attempt=1 "), describe(result));
  BOOST_TEST(!contains(result.err, "attempt=2 "), describe(result));
  BOOST_TEST(contains(result.err, "next_delay=\"none (one attempt: --skip-wait)\""), describe(result));
  BOOST_TEST(contains(result.err, "gave up: database not ready after 1 attempt(s)"), describe(result));
}
