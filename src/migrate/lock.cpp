#include "migrate/lock.hpp"

#include <cstring>

#include "migrate/checksum.hpp"

namespace dbinit {

std::int64_t lock_key(const HistoryTable& table) {
  const std::string digest = sha256_hex("dbinit:" + table.name);
  const std::uint64_t bits = std::stoull(digest.substr(0, 16), nullptr, 16);
  std::int64_t key;
  std::memcpy(&key, &bits, sizeof key);
  return key;
}

std::string transaction_settings_sql(Milliseconds table_lock_timeout, bool asynchronous_commit) {
  // dbinit.started: when this migration's transaction began, for the
  // duration its history record keeps (now() is when the whole message began,
  // the same for every transaction of a batch).
  std::string sql = "pg_catalog.set_config('dbinit.started', pg_catalog.clock_timestamp()::text, true)";
  if (asynchronous_commit) sql += ", pg_catalog.set_config('synchronous_commit', 'off', true)";
  if (table_lock_timeout.count() > 0)
    sql += ", pg_catalog.set_config('lock_timeout', '" + std::to_string(table_lock_timeout.count()) + "ms', true)";
  return sql;
}

SettingStatements transaction_setting_statements(Milliseconds table_lock_timeout, bool asynchronous_commit) {
  SettingStatements settings;
  if (asynchronous_commit) {
    settings.sql += "SET LOCAL synchronous_commit = off;\n";
    ++settings.statements;
  }
  if (table_lock_timeout.count() > 0) {
    settings.sql += "SET LOCAL lock_timeout = " + std::to_string(table_lock_timeout.count()) + ";\n";
    ++settings.statements;
  }
  return settings;
}

std::string try_transaction_lock_sql(std::int64_t key) {
  return "pg_catalog.pg_try_advisory_xact_lock(" + std::to_string(key) + ")";
}

namespace {

std::string lock_block_sql(std::int64_t key, Milliseconds table_lock_timeout, bool asynchronous_commit,
                           const std::string& after_lock) {
  return "DO $dbinit$ BEGIN PERFORM " + transaction_settings_sql(table_lock_timeout, asynchronous_commit) +
         "; IF NOT " + try_transaction_lock_sql(key) + " THEN RAISE EXCEPTION USING ERRCODE = '" +
         std::string(lock_busy_sqlstate) + "', MESSAGE = 'dbinit migration lock is held by another session'; END IF; " +
         after_lock + "END $dbinit$;\n";
}

}  // namespace

std::string lock_sql(std::int64_t key, Milliseconds table_lock_timeout, bool asynchronous_commit) {
  return lock_block_sql(key, table_lock_timeout, asynchronous_commit, "");
}

// The table is named in plain SQL, not looked up with to_regclass: a name
// looked up without a lock may come from this session's catalog cache,
// which may not yet know of a table another replica committed a moment ago.
std::string lock_and_check_recorded_sql(const HistoryTable& table, std::int64_t key, long long version,
                                        Milliseconds table_lock_timeout, bool asynchronous_commit) {
  const std::string version_text = std::to_string(version);
  return lock_block_sql(key, table_lock_timeout, asynchronous_commit,
                        "IF NOT EXISTS (SELECT 1 FROM " + table.qualified + " WHERE version = " + version_text +
                            ") THEN RAISE EXCEPTION USING ERRCODE = '" + std::string(applied_elsewhere_sqlstate) +
                            "', MESSAGE = 'dbinit: version " + version_text + " was changed by another session'; END IF; ");
}

std::string migration_duration_sql() {
  return "(extract(epoch FROM pg_catalog.clock_timestamp() - "
         "pg_catalog.current_setting('dbinit.started')::timestamptz) * 1000)::integer";
}

bool is_table_lock_conflict(std::string_view sqlstate) {
  return sqlstate == "55P03" /* lock_not_available */ || sqlstate == "40P01" /* deadlock_detected */;
}

std::string session_lock_timeout_sql(Milliseconds table_lock_timeout) {
  return "SET lock_timeout = " + std::to_string(table_lock_timeout.count());
}

std::string table_lock_holders_sql() {
  return "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), "
         "coalesce(extract(epoch FROM now() - a.xact_start)::integer, 0), "
         "string_agg(DISTINCT c.relname, ',' ORDER BY c.relname) "
         "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
         "JOIN pg_catalog.pg_class c ON c.oid = l.relation "
         "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.database = "
         "(SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
         "AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
         "GROUP BY a.pid, a.application_name, a.state, a.xact_start ORDER BY a.xact_start NULLS LAST LIMIT 5";
}

std::string try_session_lock_sql(std::int64_t key) {
  return "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(key) + ")";
}

std::string release_session_lock_sql(std::int64_t key) {
  return "SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(key) + ")";
}

std::string lock_holder_sql(std::int64_t key) {
  const auto bits = static_cast<std::uint64_t>(key);
  return "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
         "coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::integer, 0) "
         "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
         "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " + std::to_string(bits >> 32) +
         " AND l.objid = " + std::to_string(bits & 0xFFFFFFFFu) + " AND l.objsubid = 1";
}

LockWait::Busy LockWait::busy(Clock::time_point now) {
  if (!waiting_) {
    waiting_ = true;
    since_ = now;
    last_report_ = Clock::time_point{};
  }
  Busy busy;
  busy.waited = std::chrono::duration_cast<Milliseconds>(now - since_);
  busy.give_up = busy.waited >= timeout_;
  busy.report_holder = busy.give_up || last_report_ == Clock::time_point{} || now - last_report_ >= lock_holder_report_interval;
  if (busy.report_holder) last_report_ = now;
  busy.delay_cap = busy.give_up ? Milliseconds(0) : timeout_ - busy.waited;
  return busy;
}

}  // namespace dbinit
