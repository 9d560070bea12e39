#include "lint/statement_rules.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace dbinit::lint {

namespace {

// Volatile functions a default is likely to call: PostgreSQL evaluates such
// a default once per existing row, which means rewriting the table. now(),
// current_timestamp and the other stable ones are evaluated once per
// statement and stored in the catalog: no rewrite.
constexpr std::array volatile_functions = {
    std::string_view("random"),          std::string_view("random_normal"),   std::string_view("clock_timestamp"),
    std::string_view("timeofday"),       std::string_view("gen_random_uuid"), std::string_view("gen_random_bytes"),
    std::string_view("uuid_generate_v1"), std::string_view("uuid_generate_v1mc"), std::string_view("uuid_generate_v4"),
    std::string_view("nextval"),         std::string_view("txid_current"),    std::string_view("setseed")};

// serial is integer with a nextval() default.
constexpr std::array serial_types = {std::string_view("serial"),    std::string_view("serial4"),
                                     std::string_view("bigserial"), std::string_view("serial8"),
                                     std::string_view("smallserial"), std::string_view("serial2")};

template <typename List>
bool contains(const List& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string table_name(const PgQuery__RangeVar* relation) {
  return relation && relation->relname ? std::string(relation->relname) : std::string();
}

void remember_created(const std::string& table, SetMemory& memory) {
  memory.created_in_this_migration.insert(table);
  if (memory.migration_pending) memory.created_by_pending.emplace(table, memory.migration_file);
}

// A breach of a rule about tables the app uses: none on a table this
// migration created, an exemption on one a pending migration creates.
void breach_on(RuleId rule, const std::string& table, const SetMemory& memory, std::vector<RuleBreach>& breaches) {
  if (memory.created_in_this_migration.contains(table)) return;
  const auto creator = memory.created_by_pending.find(table);
  breaches.push_back({rule, table, creator == memory.created_by_pending.end() ? std::string() : creator->second});
}

bool calls_volatile_function(const PgQuery__Node* expression) {
  bool found = false;
  if (expression)
    each_function_call(expression, [&](const PgQuery__FuncCall& call) {
      found = found || contains(volatile_functions, last_name(call.n_funcname, call.funcname));
    });
  return found;
}

std::vector<const PgQuery__Constraint*> constraints_of(const PgQuery__ColumnDef& column) {
  std::vector<const PgQuery__Constraint*> constraints;
  for (std::size_t i = 0; i < column.n_constraints; ++i)
    if (column.constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
      constraints.push_back(column.constraints[i]->constraint);
  return constraints;
}

// Whether adding `column` to a table with rows computes a value per row.
bool fills_each_row(const PgQuery__ColumnDef& column) {
  if (column.type_name && contains(serial_types, column_type(*column.type_name).name)) return true;
  if (calls_volatile_function(column.raw_default)) return true;
  for (const auto* constraint : constraints_of(column)) {
    switch (constraint->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (calls_volatile_function(constraint->raw_expr)) return true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
      case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: return true;
      default: break;
    }
  }
  return false;
}

bool builds_index(const PgQuery__Constraint& constraint) {
  switch (constraint.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      // USING INDEX takes over an index that exists: nothing is built.
      return constraint.indexname == nullptr || *constraint.indexname == '\0';
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return true;
    default: return false;
  }
}

// Whether ALTER COLUMN ... TYPE from `before` to `after` is one of the
// changes PostgreSQL makes in the catalog alone: a varchar (or text) that
// only gets wider, a numeric with more digits and the same scale.
bool changes_catalog_only(const ColumnType& before, const ColumnType& after) {
  if (before == after) return true;
  if (before.array || after.array) return false;
  if (before.name == "varchar" || before.name == "text") {
    if (after.name == "text") return before.name == "varchar";
    if (after.name != "varchar") return false;
    if (after.modifiers.empty()) return true;
    return before.name == "varchar" && before.modifiers.size() == 1 && before.modifiers[0] >= 0 &&
           after.modifiers[0] >= before.modifiers[0];
  }
  if (before.name == "numeric" && after.name == "numeric") {
    if (after.modifiers.empty()) return true;
    if (before.modifiers.empty()) return false;
    const int scale_before = before.modifiers.size() > 1 ? before.modifiers[1] : 0;
    const int scale_after = after.modifiers.size() > 1 ? after.modifiers[1] : 0;
    return scale_before == scale_after && before.modifiers[0] >= 0 && after.modifiers[0] >= before.modifiers[0];
  }
  return false;
}

void remember_check(TableMemory& table, const PgQuery__Constraint& constraint) {
  const auto column = not_null_checked_column(constraint.raw_expr);
  if (!column) return;
  if (constraint.skip_validation && constraint.conname)
    table.unvalidated_not_null[constraint.conname] = *column;
  else if (!constraint.skip_validation)
    table.validated_not_null.insert(*column);
}

void remember_column(TableMemory& table, const PgQuery__ColumnDef& column) {
  if (!column.colname || !column.type_name) return;
  table.columns[column.colname] = column_type(*column.type_name);
  for (const auto* constraint : constraints_of(column))
    if (constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL ||
        constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
      table.validated_not_null.insert(column.colname);
}

void create_table(const PgQuery__CreateStmt& create, SetMemory& memory) {
  const std::string name = table_name(create.relation);
  remember_created(name, memory);
  TableMemory& table = memory.tables[name];
  for (std::size_t i = 0; i < create.n_table_elts; ++i) {
    const PgQuery__Node* element = create.table_elts[i];
    if (element->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) remember_column(table, *element->column_def);
    if (element->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        element->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
      remember_check(table, *element->constraint);
  }
}

void check_index(const PgQuery__IndexStmt& index, const SetMemory& memory, std::vector<RuleBreach>& breaches) {
  const std::string table = table_name(index.relation);
  if (index.concurrent && index.if_not_exists) breaches.push_back({RuleId::concurrent_index_if_not_exists, table, {}});
  if (!index.concurrent) breach_on(RuleId::index_not_concurrent, table, memory, breaches);
}

void check_alter_command(const PgQuery__AlterTableCmd& command, const std::string& table_name_, SetMemory& memory,
                         std::vector<RuleBreach>& breaches) {
  TableMemory& table = memory.tables[table_name_];
  const auto breach = [&](RuleId rule) { breach_on(rule, table_name_, memory, breaches); };
  const std::string name = command.name ? command.name : "";
  const PgQuery__Node* definition = command.def;
  switch (command.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      if (definition && definition->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        const PgQuery__ColumnDef& column = *definition->column_def;
        if (fills_each_row(column)) breach(RuleId::volatile_default);
        const auto constraints = constraints_of(column);
        if (std::any_of(constraints.begin(), constraints.end(), [](const auto* c) { return builds_index(*c); }))
          breach(RuleId::unique_constraint_builds_index);
        remember_column(table, column);
      }
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
      if (definition && definition->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF &&
          definition->column_def->type_name) {
        const ColumnType after = column_type(*definition->column_def->type_name);
        const auto before = table.columns.find(name);
        // USING computes each row anew; a type the set never declared is unknown.
        if (definition->column_def->raw_default || before == table.columns.end() ||
            !changes_catalog_only(before->second, after))
          breach(RuleId::rewriting_type_change);
        table.columns[name] = after;
      }
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
      if (!table.validated_not_null.contains(name)) breach(RuleId::set_not_null);
      table.validated_not_null.insert(name);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
      if (definition && definition->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        const PgQuery__Constraint& constraint = *definition->constraint;
        const bool validates = constraint.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
                               constraint.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK;
        if (validates && !constraint.skip_validation) breach(RuleId::constraint_without_not_valid);
        if (builds_index(constraint)) breach(RuleId::unique_constraint_builds_index);
        if (constraint.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) remember_check(table, constraint);
      }
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
      if (const auto check = table.unvalidated_not_null.find(name); check != table.unvalidated_not_null.end())
        table.validated_not_null.insert(check->second);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
      breach(RuleId::drop_column);
      table.columns.erase(name);
      break;
    default: break;
  }
}

// The tables of a statement that names several (TRUNCATE a, b; LOCK a, b).
std::vector<std::string> tables_of(std::size_t count, PgQuery__Node* const* relations) {
  std::vector<std::string> tables;
  for (std::size_t i = 0; i < count; ++i) {
    const PgQuery__Node* relation = relations[i];
    if (relation->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) tables.push_back(table_name(relation->range_var));
    if (relation->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION)
      tables.push_back(table_name(relation->vacuum_relation->relation));
  }
  return tables;
}

// One breach per table; a statement naming no table (VACUUM FULL of the
// whole database) is one breach for every table.
void breach_each_live(RuleId rule, const std::vector<std::string>& tables, const SetMemory& memory,
                      std::vector<RuleBreach>& breaches) {
  if (tables.empty()) breaches.push_back({rule, "every table", {}});
  for (const auto& table : tables) breach_on(rule, table, memory, breaches);
}

bool is_vacuum_full(const PgQuery__VacuumStmt& vacuum) {
  if (!vacuum.is_vacuumcmd) return false;
  for (std::size_t i = 0; i < vacuum.n_options; ++i) {
    const PgQuery__Node* option = vacuum.options[i];
    if (option->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || std::string_view(option->def_elem->defname) != "full")
      continue;
    // FULL, FULL true, FULL on ...; FULL false is plain VACUUM.
    const PgQuery__Node* value = option->def_elem->arg;
    const std::string text = string_of(value);
    if (text == "false" || text == "off") return false;
    if (value && value->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return value->boolean->boolval;
    if (value && value->node_case == PG_QUERY__NODE__NODE_INTEGER) return value->integer->ival != 0;
    return true;
  }
  return false;
}

}  // namespace

std::vector<RuleBreach> check_statement(const PgQuery__Node& statement, SetMemory& memory) {
  std::vector<RuleBreach> breaches;
  switch (statement.node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: create_table(*statement.create_stmt, memory); break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (statement.create_table_as_stmt->into)
        remember_created(table_name(statement.create_table_as_stmt->into->rel), memory);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: check_index(*statement.index_stmt, memory, breaches); break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      const PgQuery__AlterTableStmt& alter = *statement.alter_table_stmt;
      if (alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) break;
      for (std::size_t i = 0; i < alter.n_cmds; ++i)
        if (alter.cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
          check_alter_command(*alter.cmds[i]->alter_table_cmd, table_name(alter.relation), memory, breaches);
      break;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const PgQuery__RenameStmt& rename = *statement.rename_stmt;
      const bool of_table = rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                            (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
                             rename.relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE);
      if (of_table) breach_each_live(RuleId::rename, {table_name(rename.relation)}, memory, breaches);
      break;
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      const PgQuery__DropStmt& drop = *statement.drop_stmt;
      if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) break;
      std::vector<std::string> tables;
      for (std::size_t i = 0; i < drop.n_objects; ++i)
        if (drop.objects[i]->node_case == PG_QUERY__NODE__NODE_LIST)
          tables.push_back(last_name(drop.objects[i]->list->n_items, drop.objects[i]->list->items));
      breach_each_live(RuleId::drop_table, tables, memory, breaches);
      break;
    }
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
      if (is_vacuum_full(*statement.vacuum_stmt))
        breach_each_live(RuleId::vacuum_full,
                         tables_of(statement.vacuum_stmt->n_rels, statement.vacuum_stmt->rels), memory, breaches);
      break;
    case PG_QUERY__NODE__NODE_CLUSTER_STMT: {
      std::vector<std::string> tables;
      if (statement.cluster_stmt->relation) tables.push_back(table_name(statement.cluster_stmt->relation));
      breach_each_live(RuleId::cluster, tables, memory, breaches);
      break;
    }
    case PG_QUERY__NODE__NODE_LOCK_STMT:
      breach_each_live(RuleId::lock_table,
                       tables_of(statement.lock_stmt->n_relations, statement.lock_stmt->relations), memory, breaches);
      break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      breach_each_live(RuleId::truncate,
                       tables_of(statement.truncate_stmt->n_relations, statement.truncate_stmt->relations), memory,
                       breaches);
      break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      if (!statement.update_stmt->where_clause)
        breach_each_live(RuleId::update_without_where, {table_name(statement.update_stmt->relation)}, memory,
                         breaches);
      break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      if (!statement.delete_stmt->where_clause)
        breach_each_live(RuleId::delete_without_where, {table_name(statement.delete_stmt->relation)}, memory,
                         breaches);
      break;
    default: break;
  }
  return breaches;
}

}  // namespace dbinit::lint
