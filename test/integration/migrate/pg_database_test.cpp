// PgMigrationDatabase against a real server: what the server's answers to
// a batch mean. Above all the record that opens a step going up on an
// existing history table (migrate/messages.cpp), which is also its lock and
// its version guard: a busy lock and a version another replica recorded
// first must read as such, and a file's own errors as failures.
#define BOOST_TEST_MODULE pg_database
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>

#include "core/stop_signals.hpp"
#include "migrate/lock.hpp"
#include "migrate/pg_database.hpp"
#include "migration_builder.hpp"
#include "pg_cluster.hpp"

using namespace dbinit;
using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

PgCluster& cluster() { return shared_cluster(); }

MessageContext context(std::string applied_by_sql) {
  return {.table = default_history_table(),
          .lock_key = lock_key(default_history_table()),
          .applied_by_sql = std::move(applied_by_sql),
          .table_lock_timeout = 2s,
          .printed = false};
}

// dbinit's migration session on a new database, and a second session that
// plays another replica.
struct FreshDatabase {
  std::string database = cluster().create_database();
  StopSignals stop;
  Session session{SessionSettings{}, stop, PgConnection(PQconnectdb(cluster().url(database).c_str())), {}};
  PgMigrationDatabase migrations{session, context("'dbinit test'")};
  PgConnection other{PQconnectdb(cluster().url(database).c_str())};
  std::vector<Migration> files{migration(1, "one", "CREATE TABLE one (x int);"),
                               migration(2, "two", "CREATE TABLE two (x int);"),
                               migration(3, "three", "CREATE TABLE three (x int PRIMARY KEY);\n"
                                                     "INSERT INTO three VALUES (1), (1);"),
                               migration(4, "four", "CREATE TABLE four (x int);")};

  FreshDatabase() {
    BOOST_TEST_REQUIRE(PQstatus(session.connection()) == CONNECTION_OK, PQerrorMessage(session.connection()));
    BOOST_TEST_REQUIRE(PQstatus(other.get()) == CONNECTION_OK, PQerrorMessage(other.get()));
  }

  // A batch of files[i] going up, each in its own transaction.
  Batch batch(std::initializer_list<std::size_t> indexes) const {
    Batch out;
    for (const auto i : indexes) out.steps.push_back({&files[i], Direction::up});
    return out;
  }

  void other_runs(const std::string& sql) {
    PgResult result(PQexec(other.get(), sql.c_str()));
    BOOST_TEST_REQUIRE(PQresultStatus(result.get()) != PGRES_FATAL_ERROR, PQresultErrorMessage(result.get()));
  }

  std::string scalar(const std::string& sql) const { return cluster().scalar(sql, database); }
};

struct Fixture : FreshDatabase {
  Fixture() {
    // Version 1 creates the history table: the steps after it open with their record.
    const auto first = migrations.apply(batch({0}), false);
    BOOST_TEST_REQUIRE((first.rest.result == StepResult::applied));
  }
};

std::string lock_key_text() { return std::to_string(lock_key(default_history_table())); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_step_opening_with_its_record_applies_and_keeps_its_duration, Fixture) {
  const auto sent = migrations.apply(batch({1}), true);
  BOOST_TEST((sent.rest.result == StepResult::applied));
  BOOST_TEST_REQUIRE(sent.committed.size() == 1u);
  BOOST_TEST(sent.committed[0].has_value());
  BOOST_TEST(scalar("SELECT state || ' ' || (duration_ms IS NOT NULL) FROM dbinit_schema_history WHERE version = 2") ==
             "applied true");
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'two'") == "1");
}

BOOST_FIXTURE_TEST_CASE(the_lock_held_by_another_session_is_lock_busy_and_changes_nothing, Fixture) {
  other_runs("SELECT pg_advisory_lock(" + lock_key_text() + ")");
  const auto sent = migrations.apply(batch({1}), true);
  BOOST_TEST((sent.rest.result == StepResult::lock_busy));
  BOOST_TEST(sent.committed.empty());
  BOOST_TEST(scalar("SELECT count(*) FROM dbinit_schema_history") == "1");
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'two'") == "0");
  other_runs("SELECT pg_advisory_unlock(" + lock_key_text() + ")");
  BOOST_TEST((migrations.apply(batch({1}), true).rest.result == StepResult::applied));
}

// Every duration is written once, by the last step: each from the step's
// start to the next one's.
BOOST_FIXTURE_TEST_CASE(a_batch_writes_every_duration_and_each_step_its_own_start, Fixture) {
  const auto sent = migrations.apply(batch({1, 3}), true);
  BOOST_TEST((sent.rest.result == StepResult::applied));
  BOOST_TEST_REQUIRE(sent.committed.size() == 2u);
  BOOST_TEST((sent.committed[0].has_value() && sent.committed[1].has_value()));
  BOOST_TEST(scalar("SELECT string_agg(version || ':' || (duration_ms >= 0), ',' ORDER BY version) "
                    "FROM dbinit_schema_history WHERE version IN (2, 4)") == "2:true,4:true");
  BOOST_TEST(scalar("SELECT (SELECT applied_at FROM dbinit_schema_history WHERE version = 2) < "
                    "(SELECT applied_at FROM dbinit_schema_history WHERE version = 4)") == "t");
}

// The history read said 2 was pending; another replica recorded it since.
BOOST_FIXTURE_TEST_CASE(a_version_recorded_by_another_replica_is_applied_elsewhere_and_its_file_never_runs, Fixture) {
  other_runs("INSERT INTO dbinit_schema_history (version, name, checksum, state, applied_by) VALUES (2, 'two', '" +
             files[1].checksum + "', 'applied', 'another replica')");
  const auto sent = migrations.apply(batch({1, 2}), true);
  BOOST_TEST((sent.rest.result == StepResult::applied_elsewhere));
  BOOST_TEST(sent.committed.empty());
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('two', 'three')") == "0");
  BOOST_TEST(scalar("SELECT applied_by FROM dbinit_schema_history WHERE version = 2") == "another replica");
}

// This session read a database without history; another replica then
// created the history table and applied version 1. The step that would have
// created the table finds the version recorded: had its file run, it would
// have failed (the table "one" exists).
BOOST_FIXTURE_TEST_CASE(the_step_creating_the_history_table_finds_a_version_recorded_elsewhere, FreshDatabase) {
  const auto read = migrations.reread();
  BOOST_TEST_REQUIRE(read.history.has_value());
  BOOST_TEST_REQUIRE(!read.history->table_exists);
  other_runs(batch_message(context("'another replica'"), batch({0}), true).sql);
  const auto sent = migrations.apply(batch({0, 1}), false);
  BOOST_TEST((sent.rest.result == StepResult::applied_elsewhere));
  BOOST_TEST(sent.committed.empty());
  BOOST_TEST(scalar("SELECT string_agg(applied_by, ',') FROM dbinit_schema_history") == "another replica");
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'two'") == "0");
}

// 23505 from the file itself is the file's failure, not another replica.
BOOST_FIXTURE_TEST_CASE(a_unique_violation_in_the_file_is_a_failure_after_what_was_committed, Fixture) {
  const auto sent = migrations.apply(batch({1, 2}), true);
  BOOST_TEST((sent.rest.result == StepResult::failed));
  BOOST_TEST_REQUIRE(sent.committed.size() == 1u);
  // Where 2 ended is not known (3 rolled back): its duration stays unknown.
  BOOST_TEST(!sent.committed[0].has_value());
  BOOST_TEST(scalar("SELECT duration_ms IS NULL FROM dbinit_schema_history WHERE version = 2") == "t");
  BOOST_TEST(scalar("SELECT string_agg(version::text, ',' ORDER BY version) FROM dbinit_schema_history") == "1,2");
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'three'") == "0");
  // Named by its file and line, found without a position (a run-time error).
  BOOST_TEST_REQUIRE(sent.rest.failure.has_value());
  BOOST_TEST(sent.rest.failure->file == "3_three.up.sql");
  BOOST_TEST_REQUIRE(sent.rest.failure->at.has_value());
  BOOST_TEST(sent.rest.failure->at->line == 2);
  BOOST_TEST(sent.rest.failure->rolled_back);
}

// A syntax error has a position in the message: the line and column in the file.
BOOST_FIXTURE_TEST_CASE(a_syntax_error_is_named_by_its_line_and_column_in_its_file, Fixture) {
  files[1] = migration(2, "two", "CREATE TABLE two (x int);\n  SELEC 1;\n");
  const auto sent = migrations.apply(batch({1}), true);
  BOOST_TEST((sent.rest.result == StepResult::failed));
  BOOST_TEST_REQUIRE((sent.rest.failure.has_value() && sent.rest.failure->at.has_value()));
  BOOST_TEST(sent.rest.failure->file == "2_two.up.sql");
  BOOST_TEST(sent.rest.failure->at->line == 2);
  BOOST_TEST(sent.rest.failure->at->column == 3);
  BOOST_TEST(scalar("SELECT count(*) FROM dbinit_schema_history") == "1");
}

// Adopting: the same files in one transaction, so a failing one leaves
// nothing of the others behind.
BOOST_FIXTURE_TEST_CASE(an_adoption_batch_is_all_or_nothing, FreshDatabase) {
  Batch adoption = batch({0, 1, 2});
  adoption.kind = BatchKind::one_transaction;
  const auto sent = migrations.apply(adoption, false);
  BOOST_TEST((sent.rest.result == StepResult::failed));
  BOOST_TEST(sent.committed.empty());
  BOOST_TEST_REQUIRE(sent.rest.failure.has_value());
  BOOST_TEST(sent.rest.failure->file == "3_three.up.sql");
  BOOST_TEST(scalar("SELECT to_regclass('dbinit_schema_history') IS NULL") == "t");
  BOOST_TEST(scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('one', 'two')") == "0");
  const auto adopted = migrations.apply(Batch{BatchKind::one_transaction, batch({0, 1}).steps}, false);
  BOOST_TEST((adopted.rest.result == StepResult::applied));
  BOOST_TEST(adopted.committed.size() == 2u);
  BOOST_TEST(scalar("SELECT string_agg(version || ':' || (duration_ms >= 0), ',' ORDER BY version) "
                    "FROM dbinit_schema_history") == "1:true,2:true");
}

// A no-transaction step's answers, read by the names its messages give
// their columns: the session lock free or busy, the version recorded or not.
BOOST_AUTO_TEST_CASE(a_no_transaction_steps_answers_say_whether_the_lock_was_free_and_the_version_recorded) {
  FreshDatabase db;
  const Migration step = migration(5, "five", "CREATE INDEX CONCURRENTLY five_x ON one (x);");
  const auto messages = no_transaction_messages(db.migrations.context(), step, true);
  using Kind = NoTransactionMessage::Kind;
  auto message = [&](Kind kind) {
    for (const auto& candidate : messages)
      if (candidate.kind == kind) return candidate;
    BOOST_FAIL("no such message");
    return messages.front();
  };
  db.other_runs("SELECT pg_advisory_lock(" + std::to_string(lock_key(default_history_table())) + ")");
  auto answer = db.migrations.send(message(Kind::take_lock));
  BOOST_TEST((answer.delivery == Delivery::answered));
  BOOST_TEST(!answer.found);
  db.other_runs("SELECT pg_advisory_unlock(" + std::to_string(lock_key(default_history_table())) + ")");
  BOOST_TEST(db.migrations.send(message(Kind::take_lock)).found);
  BOOST_TEST(!db.migrations.send(message(Kind::create_table)).error);
  BOOST_TEST(!db.migrations.send(message(Kind::check_recorded)).found);
  BOOST_TEST(!db.migrations.send(message(Kind::mark_dirty)).error);
  BOOST_TEST(db.migrations.send(message(Kind::check_recorded)).found);
  const auto failed = db.migrations.send(message(Kind::statement));
  BOOST_TEST_REQUIRE(failed.error.has_value());  // table one does not exist
  BOOST_TEST(failed.error->sqlstate == "42P01");
  BOOST_TEST(db.migrations.send(message(Kind::check_invalid_indexes)).invalid_indexes.empty());
}
