#include "migrate/messages.hpp"

#include <cstdio>

#include "core/text.hpp"
#include "migration_set/statement_targets.hpp"
#include "migrate/lock.hpp"
#include "migration_set/sql_split.hpp"
#include "pg/target.hpp"

namespace dbinit {

namespace {

// A message as it grows: dbinit's own statements are counted as they are
// added, and a file's place recorded, so that the counts that locate an
// error cannot drift from the text.
class MessageText {
 public:
  void statement(std::string_view sql) {
    append(sql);
    append(";\n");
    ++statements_;
  }
  // The file may end inside a line comment or without a semicolon: its own
  // line and semicolon end it.
  FileInMessage file(std::string_view sql) {
    const FileInMessage place = no_file();
    append(sql);
    append("\n;\n");
    return place;
  }
  // Where a file would stand, for a step whose file is not sent (a baseline).
  FileInMessage no_file() {
    FileInMessage place;
    place.statements_before_file = take_statements();
    place.character_offset = characters_;
    return place;
  }
  std::size_t take_statements() { return std::exchange(statements_, 0); }
  std::string take_sql() { return std::move(sql_); }

 private:
  void append(std::string_view text) {
    sql_ += text;
    characters_ += character_count(text);
  }
  std::string sql_;
  std::size_t characters_ = 0;  // of sql_, counted as it grows: a batch may hold thousands of files
  std::size_t statements_ = 0;  // since the last file
};

std::string try_transaction_lock_sql(std::int64_t key) {
  return "pg_catalog.pg_try_advisory_xact_lock(" + std::to_string(key) + ")";
}

// The settings of a migration's transaction, each ending with it:
// synchronous_commit off when asynchronous (why that is safe: batch_message
// below), and the limit on its waits for table locks.
void transaction_settings(MessageText& text, Milliseconds table_lock_timeout, bool asynchronous_commit) {
  if (asynchronous_commit) text.statement("SET LOCAL synchronous_commit = off");
  if (table_lock_timeout.count() > 0)
    text.statement("SET LOCAL lock_timeout = " + std::to_string(table_lock_timeout.count()));
}

// Takes the transaction-level lock or raises DBI01, then runs after_lock. A
// DO block is compiled anew each time, so only the steps that need one use
// it: creating the history table (replicas must not race to create it) and
// going down (the version check must follow the lock).
std::string lock_block_sql(std::int64_t key, const std::string& after_lock) {
  return "DO $dbinit$ BEGIN IF NOT " + try_transaction_lock_sql(key) + " THEN RAISE EXCEPTION USING ERRCODE = '" +
         std::string(lock_busy_sqlstate) + "', MESSAGE = 'dbinit migration lock is held by another session'; END IF; " +
         after_lock + "END $dbinit$";
}

void create_table(MessageText& text, const HistoryTable& table) {
  if (table.schema) text.statement("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(*table.schema));
  text.statement("CREATE TABLE IF NOT EXISTS " + table.qualified +
                 " (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
                 "state text NOT NULL CHECK (state IN ('applied', 'dirty')), applied_at timestamptz NOT NULL DEFAULT "
                 "now(), duration_ms integer, applied_by text NOT NULL)");
}

// BEGIN and the transaction's settings; on a fresh database, the lock in a
// DO block and the history table.
void open_transaction(MessageText& text, const MessageContext& context, bool asynchronous_commit,
                      bool create_table_first) {
  text.statement("BEGIN");
  transaction_settings(text, context.table_lock_timeout, asynchronous_commit);
  if (!create_table_first) return;
  text.statement(lock_block_sql(context.lock_key, ""));
  create_table(text, context.table);
}

// The record that opens a step going up is its lock and its version guard
// in one plain statement (a PL/pgSQL block would cost a compilation per
// migration, a third of what a trivial migration costs the server):
// - the state is 'applied' only when the transaction lock was free; NULL,
//   the table's NOT NULL constraint refuses the row: the lock is busy;
// - with the lock held, nobody else can be recording this version, so the
//   primary key refusing it means another replica applied it first;
// - applied_at is when the step began: clock_timestamp(), as now() is when
//   the whole message began, the same for every step of a batch.
std::string record_sql(const MessageContext& context, const Migration& migration) {
  return "INSERT INTO " + context.table.qualified + " (version, name, checksum, state, applied_by, applied_at) VALUES (" +
         std::to_string(migration.version) + ", " + quote_literal(migration.name) + ", " +
         quote_literal(migration.checksum) + ", CASE WHEN " + try_transaction_lock_sql(context.lock_key) +
         " THEN 'applied' END, " + context.applied_by_sql + ", pg_catalog.clock_timestamp())";
}

// Going down: the lock, then the version must still be recorded (DBI02).
// dbinit.started is when the step began, for the duration its deletion
// returns. The table is named in plain SQL, not looked up with to_regclass:
// a name looked up without a lock may come from this session's catalog
// cache, which may not yet know of a table another replica just committed.
std::string lock_and_check_recorded_sql(const MessageContext& context, long long version) {
  const std::string version_text = std::to_string(version);
  return lock_block_sql(context.lock_key,
                        "PERFORM pg_catalog.set_config('dbinit.started', pg_catalog.clock_timestamp()::text, true); "
                        "IF NOT EXISTS (SELECT 1 FROM " + context.table.qualified + " WHERE version = " + version_text +
                            ") THEN RAISE EXCEPTION USING ERRCODE = '" + std::string(applied_elsewhere_sqlstate) +
                            "', MESSAGE = 'dbinit: version " + version_text + " was changed by another session'; END IF; ");
}

std::string delete_record_sql(const HistoryTable& table, long long version) {
  return "DELETE FROM " + table.qualified + " WHERE version = " + std::to_string(version) +
         " RETURNING version AS dbinit_version, (extract(epoch FROM pg_catalog.clock_timestamp() - "
         "pg_catalog.current_setting('dbinit.started')::timestamptz) * 1000)::integer AS dbinit_duration_ms";
}

// The durations of the steps going up, in the order they ran: each from its
// start (applied_at) to the next one's start, the last to now when
// last_ends_now, otherwise left unknown (NULL). One statement for a batch:
// a write per migration would cost the server about as much as a trivial
// migration.
std::string durations_sql(const HistoryTable& table, const std::vector<long long>& versions, bool last_ends_now) {
  const std::string end = last_ends_now ? "coalesce(successor.started, pg_catalog.clock_timestamp())" : "successor.started";
  return "UPDATE " + table.qualified + " AS recorded SET duration_ms = (extract(epoch FROM " + end +
         " - recorded.applied_at) * 1000)::integer FROM (SELECT version, lead(applied_at) OVER (ORDER BY applied_at, "
         "version) AS started FROM " + table.qualified + " WHERE version IN (" + version_list(versions) +
         ")) AS successor WHERE recorded.version = successor.version "
         "RETURNING recorded.version AS dbinit_version, recorded.duration_ms AS dbinit_duration_ms";
}

}  // namespace

std::string baseline_check_sql(const std::vector<PlanStep>& steps) {
  std::string tables, names;
  for (const auto& step : steps)
    for (const auto& statement : split_statements(step.migration->up.sql))
      if (auto table = created_table(statement.text)) {
        tables += std::string(tables.empty() ? "" : " OR ") + "pg_catalog.to_regclass(" + quote_literal(*table) +
                  ") IS NOT NULL";
        names += (names.empty() ? "" : ", ") + *table;
      }
  if (tables.empty()) return {};
  const std::string message = "none of the tables that versions " + std::to_string(steps.front().migration->version) +
                              " to " + std::to_string(steps.back().migration->version) + " create exists here (" +
                              names + "): this is not the database they were made for";
  return "DO $dbinit$ BEGIN IF NOT (" + tables + ") THEN RAISE EXCEPTION USING ERRCODE = '" +
         std::string(wrong_database_sqlstate) + "', MESSAGE = " + quote_literal(message) + "; END IF; END $dbinit$";
}

namespace {

// A baseline: in one transaction, under the lock, each version's row as a
// step going up records it, its file not sent, marked as baselined.
BatchMessage baseline_message(const MessageContext& context, const Batch& batch, bool create_table_first) {
  MessageText text;
  BatchMessage message;
  open_transaction(text, context, false, create_table_first);
  if (const std::string check = baseline_check_sql(batch.steps); !check.empty()) text.statement(check);
  MessageContext baselining = context;
  baselining.applied_by_sql = quote_literal(baselined_prefix) + " || " + context.applied_by_sql;
  for (const auto& step : batch.steps) {
    text.statement(record_sql(baselining, *step.migration));
    message.files.push_back(text.no_file());
  }
  text.statement(notify_sql(context.table, batch.steps.back().migration->version));
  text.statement("COMMIT");
  message.files.back().statements_after_file = text.take_statements();
  message.sql = text.take_sql();
  return message;
}

// One step's statements from its lock or record to its file's end, and,
// going down, the deletion of its row.
FileInMessage step_statements(MessageText& text, const MessageContext& context, const PlanStep& step) {
  if (step.direction == Direction::up) {
    text.statement(record_sql(context, *step.migration));
    return text.file(step.migration->up.sql);
  }
  text.statement(lock_and_check_recorded_sql(context, step.migration->version));
  FileInMessage place = text.file(step.migration->down->sql);
  text.statement(delete_record_sql(context.table, step.migration->version));
  return place;
}

}  // namespace

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? "''" : std::string(1, c);
  return out + "'";
}

std::string read_history_sql(const HistoryTable& table) {
  // query_to_xml reads alembic_version only when it exists: a plain SELECT
  // would fail on every other database and abort the message.
  return "SELECT CASE WHEN pg_catalog.to_regclass('alembic_version') IS NOT NULL THEN "
         "pg_catalog.query_to_xml('SELECT version_num FROM alembic_version', false, true, '')::text END "
         "AS alembic_revisions;\n"
         "SELECT version, name, checksum, state, applied_at::text, duration_ms, applied_by FROM " + table.qualified +
         " ORDER BY version";
}

// Every commit but the last is asynchronous (synchronous_commit off for the
// transaction): the server acknowledges it once it is in the WAL buffers,
// not on disk, which saves a disk flush per migration. A crash cannot leave
// a partial or out-of-order state: each commit record is written to the WAL
// in order, so what survives a crash is a prefix of the batch; the last
// commit is durable and flushes the WAL up to it, everything before it
// included; and a migration lost in a crash loses its history row with it
// (same transaction), so it is pending again and runs at the next start. A
// batch that stops early ends with a durable write for the same reason
// (end_batch_sql).
BatchMessage batch_message(const MessageContext& context, const Batch& batch, bool create_table_first) {
  if (batch.kind == BatchKind::baseline) return baseline_message(context, batch, create_table_first);
  MessageText text;
  BatchMessage message;
  std::vector<long long> up_versions;
  const bool one_transaction = batch.kind == BatchKind::one_transaction;
  for (std::size_t i = 0; i < batch.steps.size(); ++i) {
    const PlanStep& step = batch.steps[i];
    const bool last = i + 1 == batch.steps.size();
    if (i == 0 || !one_transaction)
      open_transaction(text, context, !last && !one_transaction, i == 0 && create_table_first);
    message.files.push_back(step_statements(text, context, step));
    if (step.direction == Direction::up) up_versions.push_back(step.migration->version);
    // A plan's steps going up come after those going down, so the last
    // transaction can write every duration.
    // The awaiting replicas (migrate/await.hpp) hear of it as it commits.
    if (last && !up_versions.empty()) {
      text.statement(durations_sql(context.table, up_versions, true));
      text.statement(notify_sql(context.table, up_versions.back()));
    }
    if (last || !one_transaction) text.statement("COMMIT");
    message.files.back().statements_after_file = text.take_statements();
  }
  message.sql = text.take_sql();
  return message;
}

std::string end_batch_sql(const HistoryTable& table, bool any_committed, const std::vector<long long>& committed_up) {
  MessageText text;
  text.statement("ROLLBACK");
  // A write, committed durably, flushes the WAL with every asynchronous
  // commit before it: what dbinit logged as applied is on disk.
  if (any_committed)
    text.statement(!committed_up.empty() ? durations_sql(table, committed_up, false)
                                         : "UPDATE " + table.qualified + " SET state = state WHERE version = (SELECT "
                                           "max(version) FROM " + table.qualified + ")");
  return text.take_sql();
}

std::vector<NoTransactionMessage> no_transaction_messages(const MessageContext& context, const Migration& migration,
                                                         bool create_table_first) {
  using Kind = NoTransactionMessage::Kind;
  const HistoryTable& table = context.table;
  const std::string& file = migration.up.file_name;
  const std::string version = std::to_string(migration.version);
  std::vector<NoTransactionMessage> messages;
  auto add = [&](Kind kind, std::string what, std::string sql) {
    messages.push_back({.kind = kind, .what = std::move(what), .sql = std::move(sql)});
    return &messages.back();
  };
  add(Kind::take_lock, file + " without a transaction: take the session lock",
      "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(context.lock_key) + ") AS " +
          std::string(lock_taken_column));
  if (create_table_first) {
    MessageText text;
    create_table(text, table);
    add(Kind::create_table, "create the history table", text.take_sql());
  }
  add(Kind::check_recorded, "is version " + version + " recorded already?",
      "SELECT 1 FROM " + table.qualified + " WHERE version = " + version);
  add(Kind::mark_dirty, "mark version " + version + " dirty until it is done",
      "INSERT INTO " + table.qualified + " (version, name, checksum, state, applied_by) VALUES (" + version + ", " +
          quote_literal(migration.name) + ", " + quote_literal(migration.checksum) + ", 'dirty', " +
          context.applied_by_sql + ")");
  const std::string check_invalid = invalid_indexes_sql(migration);
  // The session's lock_timeout is sent only when it changes, not before
  // every statement; the first statement always sets it.
  std::optional<Milliseconds> session_limit;
  std::size_t number = 0;
  for (const auto& statement : split_statements(migration.up.sql)) {
    // A CONCURRENTLY statement waits as long as it needs (giving up half-way
    // would leave an invalid index); any other gives way to the app's table
    // locks as a transactional migration does.
    const bool gives_way = context.table_lock_timeout.count() > 0 && !contains_word(statement.text, "concurrently");
    const Milliseconds limit = gives_way ? context.table_lock_timeout : Milliseconds(0);
    if (session_limit != limit)
      add(Kind::set_lock_timeout, "the next statement's table lock limit",
          "SET lock_timeout = " + std::to_string(limit.count()));
    session_limit = limit;
    auto* sent = add(Kind::statement, "statement " + std::to_string(++number) + " of " + file, std::string(statement.text));
    sent->offset = statement.offset;
    sent->gives_way = gives_way;
    if (index_build(statement.text))
      add(Kind::check_invalid_indexes, "did an index build leave an invalid index?", check_invalid);
  }
  add(Kind::reset_lock_timeout, "the server's table lock limit again", "RESET lock_timeout");
  // Its duration is known once the statements are done: mark_applied_sql then.
  add(Kind::mark_applied, "mark version " + version + " applied", "");
  add(Kind::release_lock, "release the session lock",
      "SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(context.lock_key) + ")");
  return messages;
}

std::string mark_applied_sql(const HistoryTable& table, const Migration& migration,
                             std::optional<Milliseconds> duration) {
  return "UPDATE " + table.qualified + " SET state = 'applied', applied_at = now(), duration_ms = " +
         (duration ? std::to_string(duration->count()) : std::string(duration_placeholder)) +
         " WHERE version = " + std::to_string(migration.version) + ";\n" + notify_sql(table, migration.version);
}

std::string invalid_indexes_sql(const Migration& migration) {
  std::string names;
  bool every_table = false;
  bool any = false;
  for (const auto& statement : split_statements(migration.up.sql)) {
    const auto build = index_build(statement.text);
    if (!build) continue;
    any = true;
    if (build->relation.empty()) every_table = true;
    else names += (names.empty() ? "" : ", ") + quote_literal(build->relation);
  }
  if (!any) return {};
  // A REINDEX INDEX names an index: its table counts (REINDEX CONCURRENTLY
  // leaves its unfinished copy, NAME_ccnew, on the same table).
  const std::string tables =
      every_table ? "true"
                  : "i.indrelid IN (SELECT named.oid FROM named UNION SELECT x.indrelid FROM pg_catalog.pg_index x "
                    "JOIN named ON x.indexrelid = named.oid)";
  return "WITH named AS (SELECT pg_catalog.to_regclass(name) AS oid FROM pg_catalog.unnest(ARRAY[" + names +
         "]::text[]) AS name) SELECT i.indexrelid::regclass::text AS index_name, i.indrelid::regclass::text AS table_name "
         "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
         "WHERE NOT i.indisvalid AND c.relkind = 'i' AND " + tables + " ORDER BY index_name";
}

std::string repair_sql(const HistoryTable& table, long long version) {
  return "DELETE FROM " + table.qualified + " WHERE version = " + std::to_string(version) + " AND state = 'dirty'";
}

std::string lock_holder_sql(std::int64_t key) {
  const auto bits = static_cast<std::uint64_t>(key);
  return "SELECT a.pid, coalesce(a.application_name, '') AS application_name, "
         "coalesce(host(a.client_addr), 'local') AS client, "
         "coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::integer, 0) AS seconds "
         "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
         "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " + std::to_string(bits >> 32) +
         " AND l.objid = " + std::to_string(bits & 0xFFFFFFFFu) + " AND l.objsubid = 1";
}

std::string table_lock_holders_sql() {
  return "SELECT a.pid, coalesce(a.application_name, '') AS application_name, coalesce(a.state, '') AS state, "
         "coalesce(extract(epoch FROM now() - a.xact_start)::integer, 0) AS seconds, "
         "string_agg(DISTINCT c.relname, ',' ORDER BY c.relname) AS tables "
         "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
         "JOIN pg_catalog.pg_class c ON c.oid = l.relation "
         "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.database = "
         "(SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
         "AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
         "GROUP BY a.pid, a.application_name, a.state, a.xact_start ORDER BY a.xact_start NULLS LAST LIMIT 5";
}

std::string notify_channel(const HistoryTable& table) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(lock_key(table)));
  return std::string("dbinit_") + hex;
}

std::string notify_sql(const HistoryTable& table, long long version) {
  return "SELECT pg_catalog.pg_notify(" + quote_literal(notify_channel(table)) + ", " +
         quote_literal(std::to_string(version)) + ")";
}

std::string listen_sql(const HistoryTable& table) { return "LISTEN " + notify_channel(table); }

namespace {

// The schemas a user's objects live in: not the system's own.
constexpr std::string_view user_schemas_cte =
    "ns AS (SELECT oid, nspname, CASE WHEN nspname = 'public' THEN '' ELSE nspname || '.' END AS prefix "
    "FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND nspname !~ '^pg_(toast|temp_|toast_temp_)')";

// Not created by the migrations but by CREATE EXTENSION: its members.
std::string not_extension_member(std::string_view catalog, std::string_view oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog." + std::string(catalog) +
         "'::pg_catalog.regclass AND d.objid = " + std::string(oid) + " AND d.deptype = 'e')";
}

}  // namespace

std::string user_objects_sql() {
  return "WITH " + std::string(user_schemas_cte) +
         " SELECT kind || ' ' || name FROM ("
         "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' "
         "WHEN 'c' THEN 'type' WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind, ns.prefix || c.relname AS name "
         "FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') "
         "AND " + not_extension_member("pg_class", "c.oid") +
         " UNION ALL SELECT 'type', ns.prefix || t.typname FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace "
         "WHERE t.typtype IN ('b', 'd', 'e', 'r') AND t.typcategory <> 'A' AND " + not_extension_member("pg_type", "t.oid") +
         " UNION ALL SELECT 'function', ns.prefix || p.proname FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace "
         "WHERE " + not_extension_member("pg_proc", "p.oid") + ") AS found ORDER BY 1 LIMIT 5";
}

// One statement, (kind, name, on, definition) rows. The history table is
// left out (it exists from the first up on, its rows change), as is its
// schema when dbinit created one for it; views' and functions' text is the
// server's own deparse, so that formatting never counts as a difference.
std::string schema_snapshot_sql(const HistoryTable& table) {
  const std::string history = quote_literal(table.qualified);
  const std::string history_schema = table.schema ? quote_literal(*table.schema) : "''";
  const std::string rel =
      "rel AS (SELECT c.oid, c.relname, c.relkind, ns.prefix, ns.prefix || c.relname AS name FROM pg_catalog.pg_class c "
      "JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') "
      "AND c.oid <> coalesce(pg_catalog.to_regclass(" + history + ")::oid, 0) AND " +
      not_extension_member("pg_class", "c.oid") + ")";
  const std::string typ =
      "typ AS (SELECT t.*, ns.prefix || t.typname AS name FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace "
      "WHERE t.typtype IN ('b', 'd', 'e', 'r') AND t.typcategory <> 'A' AND " + not_extension_member("pg_type", "t.oid") + ")";
  return "WITH " + std::string(user_schemas_cte) + ", " + rel + ", " + typ +
         " SELECT 'schema'::text AS kind, nspname::text AS name, ''::text AS parent, ''::text AS definition FROM ns "
         "WHERE nspname <> " + history_schema +
         // tables, views, sequences, composite types
         " UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' "
         "WHEN 'c' THEN 'type' WHEN 'f' THEN 'foreign table' ELSE 'table' END, rel.name, '', "
         "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) "
         "WHEN c.relkind = 'S' THEN (SELECT pg_catalog.format('%s start %s increment %s min %s max %s cache %s%s', "
         "pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, "
         "CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END) FROM pg_catalog.pg_sequence s WHERE s.seqrelid = c.oid) "
         "WHEN c.relkind = 'c' THEN 'composite' "
         "ELSE pg_catalog.concat_ws(' ', CASE c.relpersistence WHEN 'u' THEN 'unlogged' END, "
         "'partitioned by ' || pg_catalog.pg_get_partkeydef(c.oid), "
         "CASE WHEN c.relispartition THEN 'partition ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, "
         "CASE WHEN c.relrowsecurity THEN 'row level security' END, CASE WHEN c.relforcerowsecurity THEN 'forced' END) END "
         "FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid"
         // columns: their place among the live ones, type, nullability, default, identity, generation, collation
         " UNION ALL SELECT 'column', a.attname, rel.name, pg_catalog.concat_ws(' ', 'position ' || "
         "pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum), "
         "pg_catalog.format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'not null' END, "
         "'default ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), "
         "CASE a.attidentity WHEN 'a' THEN 'generated always as identity' WHEN 'd' THEN 'generated by default as identity' END, "
         "CASE a.attgenerated WHEN 's' THEN 'generated always stored' END, "
         "CASE WHEN a.attcollation <> 0 AND a.attcollation <> (SELECT typcollation FROM pg_catalog.pg_type "
         "WHERE oid = a.atttypid) THEN 'collate ' || a.attcollation::pg_catalog.regcollation::text END) "
         "FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped "
         "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
         " UNION ALL SELECT 'constraint', co.conname, coalesce(rel.name, typ.name), pg_catalog.pg_get_constraintdef(co.oid) "
         "FROM pg_catalog.pg_constraint co LEFT JOIN rel ON rel.oid = co.conrelid LEFT JOIN typ ON typ.oid = co.contypid "
         "WHERE rel.oid IS NOT NULL OR typ.oid IS NOT NULL"
         " UNION ALL SELECT 'index', rel.prefix || ic.relname, rel.name, pg_catalog.pg_get_indexdef(i.indexrelid) || "
         "CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END FROM pg_catalog.pg_index i JOIN rel ON rel.oid = i.indrelid "
         "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
         " UNION ALL SELECT 'trigger', t.tgname, rel.name, pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t "
         "JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal"
         " UNION ALL SELECT 'rule', r.rulename, rel.name, pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r "
         "JOIN rel ON rel.oid = r.ev_class WHERE r.rulename <> '_RETURN'"
         " UNION ALL SELECT 'policy', p.polname, rel.name, pg_catalog.concat_ws(' ', CASE WHEN p.polpermissive THEN "
         "'permissive' ELSE 'restrictive' END, 'for ' || CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' "
         "WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END, 'to ' || (SELECT pg_catalog.string_agg(CASE WHEN "
         "role = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(role)::text END, ', ' ORDER BY role) FROM "
         "pg_catalog.unnest(p.polroles) AS role), 'using (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', "
         "'with check (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')') FROM pg_catalog.pg_policy p "
         "JOIN rel ON rel.oid = p.polrelid"
         " UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, "
         "ns.prefix || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', '', "
         "CASE WHEN p.prokind = 'a' THEN pg_catalog.pg_get_function_result(p.oid) ELSE pg_catalog.pg_get_functiondef(p.oid) END "
         "FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE " + not_extension_member("pg_proc", "p.oid") +
         " UNION ALL SELECT 'type', typ.name, '', CASE typ.typtype WHEN 'e' THEN 'enum (' || (SELECT "
         "pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM "
         "pg_catalog.pg_enum e WHERE e.enumtypid = typ.oid) || ')' WHEN 'd' THEN pg_catalog.concat_ws(' ', 'domain over ' || "
         "pg_catalog.format_type(typ.typbasetype, typ.typtypmod), CASE WHEN typ.typnotnull THEN 'not null' END, "
         "'default ' || typ.typdefault) WHEN 'r' THEN 'range of ' || (SELECT pg_catalog.format_type(r.rngsubtype, NULL) "
         "FROM pg_catalog.pg_range r WHERE r.rngtypid = typ.oid) ELSE 'base type' END FROM typ"
         " UNION ALL SELECT 'extension', e.extname, '', e.extversion || ' in schema ' || n.nspname FROM "
         "pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
         // comments on the user's objects (not an extension's, not the history table's)
         " UNION ALL SELECT 'comment', pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid), '', d.description "
         "FROM pg_catalog.pg_description d, LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) AS o "
         "WHERE (o.schema IN (SELECT nspname FROM ns) OR (d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "
         "AND d.objoid IN (SELECT oid FROM ns))) AND NOT (d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND "
         "d.objoid = coalesce(pg_catalog.to_regclass(" + history + ")::oid, 0)) AND NOT EXISTS (SELECT 1 FROM "
         "pg_catalog.pg_depend x WHERE x.classid = d.classoid AND x.objid = d.objoid AND x.deptype = 'e')"
         " ORDER BY 1, 3, 2";
}

std::string applied_by() { return host_name() + " (dbinit " DBINIT_VERSION ")"; }

}  // namespace dbinit
