// ADD COLUMN with a default PostgreSQL must compute for each existing row
// (a volatile function, a serial, an identity, a stored generated column)
// rewrites the table under ACCESS EXCLUSIVE. A constant or stable default is
// evaluated once and kept in the catalog: no rewrite. PostgreSQL decides by
// the volatility of every function the default calls; lint knows that of
// PostgreSQL's own functions a default is likely to call, and of the
// functions the set defines. Any other function is taken as volatile:
// PostgreSQL's default for a function declared without a volatility, and
// the side on which a missed rewrite cannot hide.
#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

constexpr std::array volatile_builtins = {
    std::string_view("random"),          std::string_view("random_normal"),    std::string_view("clock_timestamp"),
    std::string_view("timeofday"),       std::string_view("gen_random_uuid"),  std::string_view("gen_random_bytes"),
    std::string_view("uuid_generate_v1"), std::string_view("uuid_generate_v1mc"), std::string_view("uuid_generate_v4"),
    std::string_view("uuidv4"),          std::string_view("uuidv7"),           std::string_view("nextval"),
    std::string_view("txid_current"),    std::string_view("setseed")};

// PostgreSQL's stable and immutable functions that defaults call.
constexpr std::array non_volatile_builtins = {
    std::string_view("now"),            std::string_view("statement_timestamp"), std::string_view("transaction_timestamp"),
    std::string_view("current_setting"), std::string_view("timezone"),          std::string_view("date_trunc"),
    std::string_view("to_timestamp"),   std::string_view("to_char"),            std::string_view("make_date"),
    std::string_view("make_interval"),  std::string_view("make_timestamp"),     std::string_view("make_timestamptz"),
    std::string_view("lower"),          std::string_view("upper"),              std::string_view("concat"),
    std::string_view("md5"),            std::string_view("jsonb_build_object"), std::string_view("jsonb_build_array"),
    std::string_view("json_build_object"), std::string_view("json_build_array"), std::string_view("to_jsonb"),
    std::string_view("to_json"),        std::string_view("array_fill"),         std::string_view("initcap"),
    std::string_view("current_database"), std::string_view("current_schema"),   std::string_view("inet_client_addr"),
    std::string_view("length"),         std::string_view("abs"),                std::string_view("greatest"),
    std::string_view("least"),          std::string_view("left"),               std::string_view("right")};

constexpr std::array serial_types = {std::string_view("serial"),    std::string_view("serial4"),
                                     std::string_view("bigserial"), std::string_view("serial8"),
                                     std::string_view("smallserial"), std::string_view("serial2")};

template <typename List>
bool contains(const List& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Why calling the function `name` makes a default volatile: nullopt when it
// does not, empty when the rule's own text says it (PostgreSQL's volatile
// functions). `depth` bounds the SQL functions followed into each other.
std::optional<std::string> volatile_call(const std::string& name, const SetMemory& memory, int depth = 0) {
  if (const auto own = memory.functions.find(name); own != memory.functions.end()) {
    if (!own->second.is_volatile) return std::nullopt;
    if (own->second.inlined_calls && depth < 8) {
      for (const std::string& called : *own->second.inlined_calls)
        if (const auto reason = volatile_call(called, memory, depth + 1))
          return name + "() is a SQL function that PostgreSQL inlines, and it calls " + called + "()" +
                 (reason->empty() ? "" : ": " + *reason);
      return std::nullopt;  // inlined, it leaves nothing volatile behind
    }
    return own->second.volatility_declared
               ? name + "() is declared VOLATILE in " + own->second.file
               : name + "() is declared in " + own->second.file + " without a volatility, which makes it VOLATILE";
  }
  if (contains(volatile_builtins, name)) return std::string();
  if (contains(non_volatile_builtins, name)) return std::nullopt;
  return name + "() is not defined in the set, so lint cannot see its volatility: taken as VOLATILE, PostgreSQL's "
                "default; if it is STABLE or IMMUTABLE, say so in an ignore comment";
}

// Why adding `column` to a table with rows computes a value per row
// (nullopt when it does not).
std::optional<std::string> fills_each_row(const PgQuery__ColumnDef& column, const SetMemory& memory) {
  if (column.type_name && contains(serial_types, column_type(*column.type_name).name)) return std::string();
  for (const auto* constraint : constraints_of(column))
    if (constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY ||
        constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)
      return std::string();
  std::optional<std::string> why;
  if (const PgQuery__Node* expression = default_of(column))
    each_function_call(expression, [&](const PgQuery__FuncCall& call) {
      if (why && !why->empty()) return;  // a reason to give is kept
      if (auto reason = volatile_call(last_name(call.n_funcname, call.funcname), memory)) why = std::move(reason);
    });
  return why;
}

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn) return;
    const PgQuery__ColumnDef* column = column_definition(command);
    if (!column) return;
    if (auto why = fills_each_row(*column, memory)) breaches.on_live_table(table, std::move(*why));
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
    "ALTER TABLE t ADD COLUMN s bigserial;",
    "CREATE FUNCTION new_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;\n"
    "ALTER TABLE t ADD COLUMN code text DEFAULT new_code();",
    "CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;\n"
    "ALTER TABLE t ADD COLUMN code text NOT NULL DEFAULT new_code();",
    "ALTER TABLE t ADD COLUMN code text DEFAULT code_from_elsewhere();",
};
constexpr std::string_view good[] = {
    "ALTER TABLE t ADD COLUMN u uuid;\nALTER TABLE t ALTER COLUMN u SET DEFAULT gen_random_uuid();",
    // PostgreSQL inlines a SQL function of one expression: what counts is what it calls.
    "CREATE FUNCTION first_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'a' || 'b' $$;\n"
    "ALTER TABLE t ADD COLUMN code text DEFAULT first_code();",
    "ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT now();",
    "CREATE FUNCTION first_code() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'a' $$;\n"
    "ALTER TABLE t ADD COLUMN code text DEFAULT first_code();",
};

}  // namespace

extern const Rule volatile_default{
    .name = "volatile-default",
    .found_on = "`ADD COLUMN` with a default that calls a volatile function (`random()`, `gen_random_uuid()`, "
                "`nextval()`, a function of the set's declared `VOLATILE` or with no volatility, a function the set "
                "does not define), a serial type, an identity or a stored generated column",
    .cost = "ADD COLUMN with a volatile default (or an identity, serial or stored generated column) rewrites {} under "
            "an ACCESS EXCLUSIVE lock, blocking its reads and writes",
    .safe_way = "add the column with no default or a constant or stable one (now() is fine), set the volatile default "
                "with ALTER COLUMN ... SET DEFAULT, then fill the existing rows in batches",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
