#include "migrate/reports.hpp"

#include <algorithm>
#include <map>

#include "core/json.hpp"
#include "migrate/batch.hpp"

namespace dbinit {

std::string_view state_name(MigrationState state) {
  switch (state) {
    case MigrationState::applied: return "applied";
    case MigrationState::pending: return "pending";
    case MigrationState::checksum_mismatch: return "checksum mismatch";
    case MigrationState::unknown: return "unknown";
    case MigrationState::dirty: return "dirty";
    case MigrationState::baselined: return "baselined";
  }
  return "unknown";
}

std::vector<StatusRow> migration_status(const std::vector<Migration>& embedded, const History& history) {
  std::map<long long, StatusRow> rows;
  for (const auto& migration : embedded)
    rows[migration.version] = {migration.version, migration.name, MigrationState::pending, "", migration.checksum, {}};
  std::map<long long, const Migration*> known;
  for (const auto& migration : embedded) known[migration.version] = &migration;
  for (const auto& applied : history.rows) {
    auto& row = rows[applied.version];
    row.version = applied.version;
    row.applied_at = applied.applied_at;
    row.checksum = applied.checksum;
    row.duration_ms = applied.duration_ms;
    const auto found = known.find(applied.version);
    if (found == known.end()) {
      row.name = applied.name;
      row.state = MigrationState::unknown;
    } else if (applied.state == "dirty") {
      row.state = MigrationState::dirty;
    } else {
      row.state = found->second->checksum != applied.checksum ? MigrationState::checksum_mismatch
                  : is_baselined(applied)                      ? MigrationState::baselined
                                                               : MigrationState::applied;
    }
  }
  std::vector<StatusRow> out;
  for (auto& [version, row] : rows) out.push_back(std::move(row));
  return out;
}

ExitCode status_exit_code(const std::vector<StatusRow>& rows, const std::vector<Migration>& embedded) {
  const long long newest_embedded = embedded.empty() ? 0 : embedded.back().version;
  auto any = [&](auto predicate) { return std::any_of(rows.begin(), rows.end(), predicate); };
  // The same order as plan_migrations: a dirty migration is reported first.
  if (any([](const auto& row) { return row.state == MigrationState::dirty; })) return ExitCode::migration_failed;
  if (any([](const auto& row) { return row.state == MigrationState::checksum_mismatch; }) ||
      any([&](const auto& row) { return row.state == MigrationState::unknown && row.version < newest_embedded; }))
    return ExitCode::migration_drift;
  if (any([](const auto& row) { return row.state == MigrationState::pending; })) return ExitCode::pending;
  return ExitCode::ok;
}

std::string format_status_table(const std::vector<StatusRow>& rows) {
  std::size_t name_width = 4;
  for (const auto& row : rows) name_width = std::max(name_width, row.name.size());
  auto pad = [](std::string text, std::size_t width) {
    text.resize(std::max(width, text.size()), ' ');
    return text;
  };
  std::string out = pad("VERSION", 9) + pad("NAME", name_width + 2) + pad("STATE", 19) + "APPLIED_AT\n";
  for (const auto& row : rows)
    out += pad(std::to_string(row.version), 9) + pad(row.name, name_width + 2) +
           pad(std::string(state_name(row.state)), 19) + (row.applied_at.empty() ? "-" : row.applied_at) + "\n";
  return out;
}

namespace {

void append_json_field(std::string& out, std::string_view key, std::string_view value, bool first = false) {
  out += first ? "" : ", ";
  append_json_string(out, key);
  out += ": ";
  append_json_string(out, value);
}

void append_json_number(std::string& out, std::string_view key, std::optional<long long> value) {
  out += ", ";
  append_json_string(out, key);
  out += ": " + (value ? std::to_string(*value) : std::string("null"));
}

}  // namespace

std::string format_status_json(const std::vector<StatusRow>& rows, const MigrationSet& set, ExitCode exit_code) {
  std::string out = "{\"migrations\": [";
  std::map<MigrationState, long long> count;
  std::optional<long long> version;  // the newest applied
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StatusRow& row = rows[i];
    ++count[row.state];
    if (row.state != MigrationState::pending) version = row.version;
    out += i ? ",\n  {" : "\n  {";
    out += "\"version\": " + std::to_string(row.version);
    append_json_field(out, "name", row.name);
    append_json_field(out, "state", state_name(row.state));
    append_json_field(out, "checksum", row.checksum);
    out += ", \"applied_at\": ";
    if (row.applied_at.empty()) out += "null";
    else append_json_string(out, row.applied_at);
    append_json_number(out, "duration_ms", row.duration_ms);
    out += "}";
  }
  out += rows.empty() ? "],\n" : "\n],\n";
  out += "\"set\": {";
  append_json_field(out, "source", source_name(set.source), true);
  out += ", \"location\": ";
  if (set.location.empty()) out += "null";
  else append_json_string(out, set.location);
  append_json_field(out, "digest", set.digest);
  append_json_number(out, "count", static_cast<long long>(set.migrations.size()));
  out += "},\n\"summary\": {";
  bool first = true;
  for (const auto state : {MigrationState::applied, MigrationState::baselined, MigrationState::pending, MigrationState::dirty,
                           MigrationState::checksum_mismatch, MigrationState::unknown}) {
    std::string key(state_name(state));
    std::replace(key.begin(), key.end(), ' ', '_');
    out += first ? "" : ", ";
    first = false;
    append_json_string(out, key);
    out += ": " + std::to_string(count[state]);
  }
  append_json_number(out, "version", version);
  append_json_number(out, "exit_code", to_int(exit_code));
  out += "}}\n";
  return out;
}

namespace {

// The messages of a plan, numbered, as `dbinit sql` prints them.
class MessageList {
 public:
  void add(const std::string& what, std::string_view sql) {
    const std::string number = std::to_string(++count_);
    text_ += "-- message " + number + ": " + what + "\n" + std::string(sql);
    if (!sql.ends_with('\n')) text_ += '\n';
    text_ += "-- end of message " + number + "\n\n";
  }
  void note(const std::string& line) { text_ += "-- " + line + "\n"; }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
  unsigned count_ = 0;
};

std::string describe_batch(const Batch& batch) {
  const std::string& first = script_of(batch.steps.front()).file_name;
  const std::string& last = script_of(batch.steps.back()).file_name;
  if (batch.kind == BatchKind::baseline)
    return "baseline: " + first + (batch.steps.size() > 1 ? " to " + last : "") +
           " recorded as applied without running them, in one transaction";
  if (batch.kind == BatchKind::one_transaction)
    return "adopting the database: " + first + (batch.steps.size() > 1 ? " to " + last : "") + " in one transaction";
  if (batch.steps.size() == 1) return first + " in its own transaction";
  return first + " to " + last + " (" + std::to_string(batch.steps.size()) +
         " migrations, each in its own transaction)";
}

void add_without_transaction(MessageList& list, const MessageContext& context, const Migration& migration,
                             bool create_table) {
  const std::string& file = migration.up.file_name;
  const std::string version = std::to_string(migration.version);
  const auto messages = no_transaction_messages(context, migration, create_table);
  list.add(file + " without a transaction: take the session lock", messages.take_lock);
  if (!messages.create_table.empty()) list.add("create the history table", messages.create_table);
  list.add("is version " + version + " recorded already?", messages.check_recorded);
  list.add("mark version " + version + " dirty until it is done", messages.mark_dirty);
  for (std::size_t i = 0; i < messages.statements.size(); ++i) {
    const auto& statement = messages.statements[i];
    if (!statement.set_lock_timeout.empty()) list.add("the next statement's table lock limit", statement.set_lock_timeout);
    list.add("statement " + std::to_string(i + 1) + " of " + file, statement.text);
    if (statement.builds_index) list.add("did an index build leave an invalid index?", messages.check_invalid_indexes);
  }
  list.add("the server's table lock limit again", messages.reset_lock_timeout);
  list.add("mark version " + version + " applied", mark_applied_sql(context.table, migration, std::nullopt));
  list.add("release the session lock", messages.release_lock);
}

}  // namespace

std::string plan_sql(const MigrationPlan& plan, const History& history, const MessageContext& context,
                     std::optional<long long> baseline_through) {
  MessageList list;
  list.add("read the history (every start sends it first)", read_history_sql(context.table));
  History simulated = history;  // as migrate would hold it, batch after batch
  for (std::size_t next = 0; next < plan.steps.size();) {
    const Batch batch = next_batch(plan, next, simulated, baseline_through);
    if (batch.kind == BatchKind::no_transaction)
      add_without_transaction(list, context, *batch.steps.front().migration, !simulated.table_exists);
    else
      list.add(describe_batch(batch), batch_message(context, batch, !simulated.table_exists).sql);
    simulated.table_exists = true;
    next += batch.steps.size();
  }
  if (plan.steps.empty()) list.note("nothing to apply: the database is up to date");
  return list.take();
}

}  // namespace dbinit
