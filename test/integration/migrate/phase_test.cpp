#define BOOST_TEST_MODULE migrate
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>

#include <csignal>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "chatbot_schema.hpp"
#include "pg_cluster.hpp"
#include "pgbouncer.hpp"
#include "process.hpp"
#include "text.hpp"

using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

PgCluster& cluster() { return shared_cluster(); }

std::string fixture_binary(const std::string& set) { return DBINIT_TEST_BINARY_DIR "/dbinit_fixture_" + set; }

ProcessOptions fixture_options(const std::string& set, std::vector<std::string> args, const std::string& url) {
  ProcessOptions options;
  options.argv = {fixture_binary(set)};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = {{"DATABASE_URL", url}};
  return options;
}

ProcessResult run_fixture(const std::string& set, std::vector<std::string> args, const std::string& url) {
  return run(fixture_options(set, std::move(args), url));
}

// sql/, the product's set, embedded in the dbinit under test.
const std::string product_migration_count = "3";

ProcessResult migrate(const std::string& url, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"migrate"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_dbinit(args, {{"DATABASE_URL", url}});
}

std::string table_count(const std::string& database, const std::string& names) {
  return cluster().scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN (" + names + ")",
                          database);
}

std::string history(const std::string& database, const std::string& table = "dbinit_schema_history") {
  std::string out;
  for (const auto& row : cluster().query("SELECT version, state, applied_at FROM " + table + " ORDER BY version", database))
    out += row[0] + ":" + row[1] + "@" + row[2] + " ";
  return out;
}

// Statements the server logged for one application_name.
int logged_statements(const std::string& application_name) {
  const std::string log = cluster().log();
  const std::regex line("app=" + application_name + " LOG:  statement: ");
  return static_cast<int>(std::distance(std::sregex_iterator(log.begin(), log.end(), line), std::sregex_iterator()));
}

int applied_count(const ProcessResult& result) {
  std::smatch match;
  static const std::regex applied(R"(migrate: (?:migrations applied|database is up to date) applied=(\d+))");
  return std::regex_search(result.err, match, applied) ? std::stoi(match[1]) : -1000;
}

// The messages a session sent, as the server's statement log shows them
// (log_statement = all: one entry per message, its later lines indented
// with a tab), with what only the run knows put back as the placeholders
// `dbinit sql` prints: who applied it, and a no-transaction duration.
std::vector<std::string> logged_messages(const std::string& application_name) {
  static const std::regex applied_by(R"('[^']* \(dbinit [^']*\)')");
  static const std::regex duration(R"(duration_ms = \d+ WHERE)");
  const std::string marker = "app=" + application_name + " LOG:  statement: ";
  std::vector<std::string> messages;
  std::istringstream log(cluster().log());
  bool inside = false;
  for (std::string line; std::getline(log, line);) {
    if (const auto at = line.find(marker); at != std::string::npos) {
      messages.push_back(line.substr(at + marker.size()));
      inside = true;
    } else if (inside && line.starts_with("\t")) {
      messages.back() += "\n" + line.substr(1);
    } else {
      inside = false;
    }
  }
  for (auto& message : messages) {
    message = std::regex_replace(message, applied_by, ":'applied_by'");
    message = std::regex_replace(message, duration, "duration_ms = :duration_ms WHERE");
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
  }
  return messages;
}

// The messages `dbinit sql` printed, each between "-- message N: ..." and
// "-- end of message N".
std::vector<std::string> printed_messages(const std::string& out) {
  std::vector<std::string> messages;
  std::istringstream text(out);
  std::optional<std::string> current;
  for (std::string line; std::getline(text, line);) {
    if (line.starts_with("-- message ")) {
      current = "";
    } else if (line.starts_with("-- end of message ")) {
      if (current) messages.push_back(*current);
      current.reset();
    } else if (current) {
      *current += (current->empty() ? "" : "\n") + line;
    }
  }
  for (auto& message : messages)
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
  return messages;
}

// `dbinit sql` run just before `dbinit migrate` on the same database prints
// every message migrate then sends, in order.
void expect_sql_is_what_migrate_sends(const std::string& binary, const std::string& db, const std::string& name,
                                      std::vector<std::string> args) {
  ProcessOptions printing;
  printing.argv = {binary, "sql"};
  printing.argv.insert(printing.argv.end(), args.begin(), args.end());
  printing.env = {{"DATABASE_URL", cluster().url(db)}};
  const auto printed = run(printing);
  BOOST_TEST_REQUIRE(printed.exit_code == 0, describe(printed));
  ProcessOptions migrating = printing;
  migrating.argv[1] = "migrate";
  migrating.env = {{"DATABASE_URL", cluster().url(db) + "?application_name=" + name}};
  const auto migrated = run(migrating);
  BOOST_TEST_REQUIRE(migrated.exit_code == 0, describe(migrated));
  const auto expected = printed_messages(printed.out);
  const auto sent = logged_messages(name);
  BOOST_TEST_REQUIRE(expected.size() >= 2u, printed.out);
  BOOST_TEST(sent.size() == expected.size(), printed.out);
  for (std::size_t i = 0; i < std::min(sent.size(), expected.size()); ++i)
    BOOST_TEST(sent[i] == expected[i], "message " << i + 1 << " of " << name);
}

struct Session {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection;
  explicit Session(const std::string& conninfo) : connection(PQconnectdb(conninfo.c_str()), &PQfinish) {
    BOOST_TEST_REQUIRE(PQstatus(connection.get()) == CONNECTION_OK, PQerrorMessage(connection.get()));
  }
  void exec(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
    BOOST_TEST_REQUIRE(PQresultStatus(result.get()) == PGRES_TUPLES_OK, PQresultErrorMessage(result.get()));
  }
};

constexpr const char* default_lock_key = "2281398760111336587";

struct ReplicaRun {
  int applied = 0;    // migrations applied, summed over the replicas
  int contended = 0;  // replicas that found the lock busy or a version applied by another
};

// Starts `count` dbinit migrate processes at once while this test holds the
// migration lock, so that they all meet it busy, then lets them go; every one
// must succeed.
ReplicaRun replicas_at_once(int count, const std::string& url, const std::string& direct_url) {
  Session holder(direct_url + "?application_name=replica_test_holder");
  holder.exec(std::string("SELECT pg_advisory_lock(") + default_lock_key + ")");
  std::vector<std::unique_ptr<Process>> replicas;
  for (int i = 0; i < count; ++i)
    replicas.push_back(std::make_unique<Process>(dbinit_options({"migrate"}, {{"DATABASE_URL", url}})));
  std::this_thread::sleep_for(1500ms);
  holder.exec(std::string("SELECT pg_advisory_unlock(") + default_lock_key + ")");
  ReplicaRun run;
  for (auto& replica : replicas) {
    const auto result = replica->wait();
    BOOST_TEST(result.exit_code == 0, describe(result));
    run.applied += applied_count(result);
    if (contains(result.err, "waiting for the migration lock held by pid") || contains(result.err, "another replica applied"))
      ++run.contended;
  }
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fresh_database_gets_the_chatbot_schema_and_history) {
  const auto db = cluster().create_database();
  const auto result = migrate(cluster().url(db));
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(table_count(db, "'conversations','messages'") == "2");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version || ':' || name || ':' || state || ':' || length(checksum) || ':' || "
                              "(duration_ms >= 0) || ':' || (applied_by LIKE '% (dbinit %)'), ',' ORDER BY version) "
                              "FROM dbinit_schema_history", db) ==
             "1:create_conversations:applied:64:true:true,2:create_messages:applied:64:true:true,"
             "3:align_existing_tables:applied:64:true:true");
  // The schema does what the app needs: cascade delete and the role check.
  cluster().query("INSERT INTO conversations (user_id) VALUES ('u1')", db);
  cluster().query("INSERT INTO messages (conversation_id, user_id, role, content) VALUES (1, 'u1', 'user', 'hi')", db);
  BOOST_CHECK_THROW(cluster().query("INSERT INTO messages (conversation_id, user_id, role, content) VALUES (1, 'u1', 'robot', 'x')", db),
                    std::runtime_error);
  cluster().query("DELETE FROM conversations", db);
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM messages", db) == "0");
}

BOOST_AUTO_TEST_CASE(rerun_is_a_no_op_in_one_round_trip) {
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(cluster().url(db)).exit_code == 0);
  const auto before = history(db);
  const auto result = migrate(cluster().url(db) + "?application_name=noop_round_trips");
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "database is up to date"), describe(result));
  BOOST_TEST(history(db) == before);
  BOOST_TEST(logged_statements("noop_round_trips") == 1, cluster().log().substr(cluster().log().size() > 4000 ? cluster().log().size() - 4000 : 0));
}

BOOST_AUTO_TEST_CASE(tables_created_earlier_by_create_all_are_adopted) {
  const auto db = cluster().create_database();
  cluster().query(create_all_chatbot_sql, db);
  const auto result = migrate(cluster().url(db));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(cluster().scalar("SELECT user_id FROM conversations", db) == "kept");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history WHERE state = 'applied'", db) == product_migration_count);
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_messages_conversation_id_created_at'", db) == "1");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f'", db) == "1");
}

// A fresh database costs one message more than a no-op start: the history
// read that the wait phase makes anyway, then every migration in one batch.
BOOST_AUTO_TEST_CASE(a_fresh_database_is_one_message_after_the_history_read) {
  const auto db = cluster().create_database();
  const auto result = migrate(cluster().url(db) + "?application_name=fresh_round_trips");
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == product_migration_count);
  BOOST_TEST(logged_statements("fresh_round_trips") == 2, cluster().log().substr(cluster().log().size() > 4000 ? cluster().log().size() - 4000 : 0));
}

BOOST_AUTO_TEST_CASE(sixty_four_replicas_at_once_apply_each_migration_exactly_once) {
  const auto db = cluster().create_database();
  const auto run = replicas_at_once(64, cluster().url(db), cluster().url(db));
  BOOST_TEST(run.applied == std::stoi(product_migration_count));
  // They met: most waited for the lock the test held, naming its holder.
  BOOST_TEST(run.contended >= 32, run.contended << " of 64 replicas contended");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == product_migration_count);
}

BOOST_AUTO_TEST_CASE(sixty_four_replicas_through_pgbouncer_in_transaction_mode) {
  const auto db = cluster().create_database();
  PgBouncer bouncer(cluster());
  const auto run = replicas_at_once(64, bouncer.url(db), cluster().url(db));
  BOOST_TEST(run.applied == std::stoi(product_migration_count));
  BOOST_TEST(run.contended >= 32, run.contended << " of 64 replicas contended");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == product_migration_count);
  BOOST_TEST(table_count(db, "'conversations','messages'") == "2");
}

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_nothing_behind_and_names_the_line) {
  const auto db = cluster().create_database();
  const auto result = run_fixture("bad", {"migrate"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "0002_broken.up.sql:5:"), describe(result));
  BOOST_TEST(contains(result.err, "sqlstate=42704"), describe(result));
  BOOST_TEST(contains(result.err, "type \\\"integr\\\" does not exist"), describe(result));
  BOOST_TEST(table_count(db, "'items'") == "1");
  BOOST_TEST(table_count(db, "'half_done','never_reached'") == "0");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',') FROM dbinit_schema_history", db) == "1");
  // The command never starts after a failed migration.
  const auto run_result = run_fixture("bad", {"--mode=exec", "--", "echo", "STARTED"}, cluster().url(db));
  BOOST_TEST(run_result.exit_code == 4, describe(run_result));
  BOOST_TEST(!contains(run_result.out, "STARTED"));
}

BOOST_AUTO_TEST_CASE(checksum_drift_exits_6_listing_the_versions) {
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(cluster().url(db)).exit_code == 0);
  cluster().query("UPDATE dbinit_schema_history SET checksum = 'edited' WHERE version = 2", db);
  const auto result = run_dbinit({"--mode=exec", "--", "echo", "STARTED"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(result.exit_code == 6, describe(result));
  BOOST_TEST(contains(result.err, "checksum mismatch): version 2"), describe(result));
  BOOST_TEST(!contains(result.out, "STARTED"));
  const auto status = run_dbinit({"status"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 6, describe(status));
  BOOST_TEST(contains(status.out, "checksum mismatch"), describe(status));
}

BOOST_AUTO_TEST_CASE(database_ahead_is_a_warning_unless_strict) {
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(cluster().url(db)).exit_code == 0);
  cluster().query("INSERT INTO dbinit_schema_history (version, name, checksum, state, applied_by) "
                  "VALUES (99, 'from_a_newer_release', 'x', 'applied', 'test')", db);
  auto result = migrate(cluster().url(db));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "the database is ahead of this dbinit"), describe(result));
  result = migrate(cluster().url(db), {"--strict"});
  BOOST_TEST(result.exit_code == 6, describe(result));
}

BOOST_AUTO_TEST_CASE(down_and_up_again_round_trip) {
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(cluster().url(db)).exit_code == 0);
  auto result = migrate(cluster().url(db), {"--target", "1"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(table_count(db, "'conversations','messages'") == "1");
  result = migrate(cluster().url(db), {"--target", "0"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(table_count(db, "'conversations','messages'") == "0");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == "0");
  result = migrate(cluster().url(db));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(table_count(db, "'conversations','messages'") == "2");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM dbinit_schema_history", db) == product_migration_count);
}

BOOST_AUTO_TEST_CASE(skip_migrations_creates_nothing) {
  const auto db = cluster().create_database();
  for (const auto& [args, env] : std::vector<std::pair<std::vector<std::string>, std::map<std::string, std::string>>>{
           {{"--skip-migrations", "--mode=exec", "--", "true"}, {}},
           {{"--mode=exec", "--", "true"}, {{"DBINIT_SKIP_MIGRATIONS", "true"}}}}) {
    auto full_env = env;
    full_env["DATABASE_URL"] = cluster().url(db);
    const auto result = run_dbinit(args, full_env);
    BOOST_TEST(result.exit_code == 0, describe(result));
  }
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db) == "0");
}

BOOST_AUTO_TEST_CASE(status_and_sql_report_without_changing_anything) {
  const auto db = cluster().create_database();
  auto status = run_dbinit({"status"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 1, describe(status));
  BOOST_TEST(std::regex_search(status.out, std::regex(R"(\n1 +create_conversations +pending)")), describe(status));
  const auto sql = run_dbinit({"sql"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(sql.exit_code == 0, describe(sql));
  BOOST_TEST(contains(sql.out, "-- message 1: read the history"), describe(sql));
  BOOST_TEST(contains(sql.out, "-- message 2: 0001_create_conversations.up.sql to 0003_align_existing_tables.up.sql "
                               "(3 migrations, each in its own transaction)"), describe(sql));
  BOOST_TEST(contains(sql.out, "CREATE TABLE IF NOT EXISTS messages"), describe(sql));
  BOOST_TEST(contains(sql.out, "pg_try_advisory_xact_lock"), describe(sql));
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db) == "0");
  BOOST_TEST_REQUIRE(migrate(cluster().url(db), {"--target", "1"}).exit_code == 0);
  status = run_dbinit({"status"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 1, describe(status));
  BOOST_TEST(std::regex_search(status.out, std::regex(R"(1 +create_conversations +applied +20\d\d-)")), describe(status));
  BOOST_TEST(std::regex_search(status.out, std::regex(R"(\n2 +create_messages +pending +-)")), describe(status));
  BOOST_TEST_REQUIRE(migrate(cluster().url(db)).exit_code == 0);
  status = run_dbinit({"status"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(status.exit_code == 0, describe(status));
  const auto down_sql = run_dbinit({"sql", "--target", "0"}, {{"DATABASE_URL", cluster().url(db)}});
  BOOST_TEST(contains(down_sql.out, "DROP TABLE IF EXISTS messages"), describe(down_sql));
}

BOOST_AUTO_TEST_CASE(lock_held_elsewhere_times_out_with_exit_5_naming_the_holder) {
  const auto db = cluster().create_database();
  Session holder(cluster().url(db) + "?application_name=lock_holder_test");
  holder.exec(std::string("SELECT pg_advisory_lock(") + default_lock_key + ")");
  const auto result = migrate(cluster().url(db), {"--lock-timeout", "2s"});
  BOOST_TEST(result.exit_code == 5, describe(result));
  BOOST_TEST(result.elapsed < 6s, describe(result));
  BOOST_TEST(contains(result.err, "application_name=lock_holder_test"), describe(result));
  BOOST_TEST(contains(result.err, "gave up waiting for the migration lock after 2s"), describe(result));
  BOOST_TEST(table_count(db, "'conversations','messages'") == "0");
}

BOOST_AUTO_TEST_CASE(custom_schema_qualified_history_table) {
  const auto db = cluster().create_database();
  const auto result = migrate(cluster().url(db), {"--history-table", "ops.Schema_Log"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM ops.schema_log", db) == product_migration_count);
  BOOST_TEST(migrate(cluster().url(db), {"--history-table", "bad-name"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(no_transaction_migrations_run_alone_and_stay_dirty_until_repaired) {
  const auto db = cluster().create_database();
  auto result = run_fixture("no_transaction", {"migrate"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "0003_index_tags.up.sql:3:"), describe(result));
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_items_name'", db) == "1");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM dbinit_schema_history", db) ==
             "1:applied,2:applied,3:dirty");
  // Every later run stops on the dirty mark, and says how to get out.
  result = run_fixture("no_transaction", {"migrate"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "dbinit migrate --repair 3"), describe(result));
  // The operator fixes the cause, then repairs: the migration runs again.
  cluster().query("CREATE TABLE tags (label text)", db);
  result = run_fixture("no_transaction", {"migrate", "--repair", "3"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(cluster().scalar("SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM dbinit_schema_history", db) ==
             "1:applied,2:applied,3:applied");
  BOOST_TEST(run_fixture("no_transaction", {"migrate", "--repair", "3"}, cluster().url(db)).exit_code == 4);
}

// The slow fixture: 0001 quick, 0002 sleeping 3 s, 0003 quick, all sent in
// one batch; the faults below strike while 0002 runs.
BOOST_AUTO_TEST_CASE(connection_lost_mid_batch_is_carried_on_exactly_once) {
  PgCluster restarting;
  const auto db = restarting.create_database();
  Process dbinit(fixture_options("slow", {"migrate", "--backoff-max", "500ms"}, restarting.url(db)));
  std::this_thread::sleep_for(1500ms);  // inside pg_sleep(3) of the first attempt
  restarting.stop();
  restarting.start();
  const auto result = dbinit.wait();
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "reconnecting"), describe(result));
  BOOST_TEST(contains(result.err, "connection lost during 0002_slow.up.sql; whether the server committed it is unknown"),
             describe(result));
  BOOST_TEST(restarting.scalar("SELECT count(*) FROM pg_tables WHERE tablename IN "
                               "('before_slow', 'slow_start', 'slow_done', 'after_slow')", db) == "4");
  BOOST_TEST(restarting.scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history", db) ==
             "1,2,3");
}

BOOST_AUTO_TEST_CASE(sigterm_mid_batch_keeps_what_was_committed_and_exits_143) {
  const auto db = cluster().create_database();
  Process dbinit(fixture_options("slow", {"--mode=exec", "--", "echo", "STARTED"}, cluster().url(db)));
  std::this_thread::sleep_for(1500ms);
  dbinit.send_signal(SIGTERM);
  const auto result = dbinit.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(result.elapsed < 3s, describe(result));
  BOOST_TEST(!contains(result.out, "STARTED"));
  BOOST_TEST(contains(result.err, "applied 0001_before_slow.up.sql"), describe(result));
  BOOST_TEST(contains(result.err, "stopped by signal; 0002_slow.up.sql was rolled back"), describe(result));
  // 0001 had been committed before the signal; 0002 was rolled back, and
  // 0003 never ran.
  BOOST_TEST(table_count(db, "'before_slow'") == "1");
  BOOST_TEST(table_count(db, "'slow_start','slow_done','after_slow'") == "0");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',') FROM dbinit_schema_history", db) == "1");
}

// A database an earlier Alembic setup built: its table of items, and
// alembic_version at its head.
std::string alembic_built_database(const std::string& item_rows) {
  const auto db = cluster().create_database();
  cluster().query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);"
                  "INSERT INTO alembic_version VALUES ('ae1027a6acf');"
                  "CREATE TABLE items (id integer PRIMARY KEY, kind text NOT NULL);"
                  "INSERT INTO items VALUES " + item_rows + ";", db);
  return db;
}

BOOST_AUTO_TEST_CASE(an_alembic_database_is_adopted_whole_and_alembic_version_kept) {
  const auto db = alembic_built_database("(1, 'small'), (2, 'large')");
  const auto result = run_fixture("adopt", {"migrate"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "adopting a database that Alembic managed"), describe(result));
  BOOST_TEST(contains(result.err, "alembic_revision=ae1027a6acf"), describe(result));
  BOOST_TEST(contains(result.err, "adopted the database in one transaction migrations=2"), describe(result));
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history", db) == "1,2");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'items_kind_check'", db) == "1");
  BOOST_TEST(cluster().scalar("SELECT string_agg(id || kind, ',' ORDER BY id) FROM items", db) == "1small,2large");
  BOOST_TEST(cluster().scalar("SELECT version_num FROM alembic_version", db) == "ae1027a6acf");
}

BOOST_AUTO_TEST_CASE(an_alembic_database_that_cannot_be_adopted_is_left_as_it_was) {
  const auto db = alembic_built_database("(1, 'small'), (2, 'huge'), (3, 'tiny')");
  const auto result = run_fixture("adopt", {"migrate"}, cluster().url(db));
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "cannot adopt this database: 2 differences"), describe(result));
  // One line per difference.
  BOOST_TEST(contains(result.err, "migrate: items.id 2 has kind 'huge'; accepted: small, large"), describe(result));
  BOOST_TEST(contains(result.err, "migrate: items.id 3 has kind 'tiny'; accepted: small, large"), describe(result));
  BOOST_TEST(contains(result.err, "nothing was changed"), describe(result));
  // Nothing changed, 0001 included: no history table, no constraint, every row.
  BOOST_TEST(cluster().scalar("SELECT to_regclass('dbinit_schema_history') IS NULL", db) == "t");
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM items", db) == "3");
  BOOST_TEST(cluster().scalar("SELECT version_num FROM alembic_version", db) == "ae1027a6acf");
}

BOOST_AUTO_TEST_CASE(sql_prints_what_migrate_sends_fresh_pending_no_transaction_and_down) {
  // A fresh database: the history read, then one batch creating the table.
  const auto db = cluster().create_database();
  expect_sql_is_what_migrate_sends(DBINIT_BINARY, db, "sql_fresh", {"--target", "1"});
  // A pending batch on a history table that exists.
  expect_sql_is_what_migrate_sends(DBINIT_BINARY, db, "sql_pending", {});
  // Going down.
  expect_sql_is_what_migrate_sends(DBINIT_BINARY, db, "sql_down", {"--target", "1"});
  // A no-transaction migration, after a batch, on a fresh database.
  const auto no_transaction = cluster().create_database();
  expect_sql_is_what_migrate_sends(fixture_binary("no_transaction"), no_transaction, "sql_no_transaction",
                                   {"--target", "2"});
  BOOST_TEST(cluster().scalar("SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM dbinit_schema_history",
                              no_transaction) == "1:applied,2:applied");
}

// A baseline on a database create_all made, and the adoption of one an
// earlier Alembic setup built: `dbinit sql` prints what migrate then sends.
BOOST_AUTO_TEST_CASE(sql_prints_what_migrate_sends_for_a_baseline_and_an_adoption) {
  const auto made_by_create_all = cluster().create_database();
  cluster().query(create_all_chatbot_sql, made_by_create_all);
  expect_sql_is_what_migrate_sends(DBINIT_BINARY, made_by_create_all, "sql_baseline", {"--baseline", "2"});
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history",
                              made_by_create_all) == "1,2,3");
  const auto built_by_alembic = alembic_built_database("(1, 'small'), (2, 'large')");
  expect_sql_is_what_migrate_sends(fixture_binary("adopt"), built_by_alembic, "sql_adopt", {});
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history",
                              built_by_alembic) == "1,2");
}

// `dbinit sql` is the run itself: it refuses a baseline where migrate does,
// with the same exit code and line, prints no SQL then, and changes nothing.
BOOST_AUTO_TEST_CASE(sql_refuses_a_baseline_where_migrate_does_with_the_same_exit_code) {
  const auto empty = cluster().create_database();
  const auto migrated = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(cluster().url(migrated), {"--target", "1"}).exit_code == 0);
  for (const std::string command : {"sql", "migrate"}) {
    auto result = run_dbinit({command, "--baseline", "2"}, {{"DATABASE_URL", cluster().url(empty)}});
    BOOST_TEST(result.exit_code == 4, describe(result));
    BOOST_TEST(contains(result.err, "baseline refused: none of the tables that versions 1 to 2 create exists here"),
               describe(result));
    BOOST_TEST(result.out.empty(), describe(result));
    result = run_dbinit({command, "--baseline", "2"}, {{"DATABASE_URL", cluster().url(migrated)}});
    BOOST_TEST(result.exit_code == 4, describe(result));
    BOOST_TEST(contains(result.err, "--baseline 2 refused: the history already has 1 version(s)"), describe(result));
    BOOST_TEST(result.out.empty(), describe(result));
  }
  BOOST_TEST(cluster().scalar("SELECT to_regclass('dbinit_schema_history') IS NULL", empty) == "t");
  BOOST_TEST(cluster().scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history",
                              migrated) == "1");
}

// status and sql change nothing: they do not say they adopt the database.
BOOST_AUTO_TEST_CASE(status_and_sql_do_not_say_they_adopt_an_alembic_database) {
  const auto db = alembic_built_database("(1, 'small')");
  for (const std::string command : {"status", "sql"}) {
    const auto result = run_fixture("adopt", {command}, cluster().url(db));
    BOOST_TEST(!contains(result.err, "adopting a database"), describe(result));
    BOOST_TEST(!contains(result.err, "adopted the database"), describe(result));
  }
  BOOST_TEST(cluster().scalar("SELECT to_regclass('dbinit_schema_history') IS NULL", db) == "t");
}
