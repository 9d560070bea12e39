#include "lint/set_memory.hpp"

#include <variant>

#include "lint/parse_tree.hpp"

namespace dbinit::lint {

namespace {

void remember_created(const std::string& table, SetMemory& memory) {
  memory.tables[table] = {};
  memory.created_in_this_migration.insert(table);
  memory.filled_in_this_migration.erase(table);
  if (memory.migration_pending) memory.created_by_pending.emplace(table, memory.migration_file);
}

void remember_filled(const std::string& table, SetMemory& memory) {
  if (memory.created_here(table)) memory.filled_in_this_migration.insert(table);
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

void alter_table(const PgQuery__AlterTableCmd& command, const std::string& table_name_, SetMemory& memory) {
  TableMemory& table = memory.tables[table_name_];
  const std::string name = command.name ? command.name : "";
  switch (command.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      if (const auto* column = column_definition(command)) remember_column(table, *column);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
      if (const auto* column = column_definition(command); column && column->type_name)
        table.columns[name] = column_type(*column->type_name);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: table.validated_not_null.insert(name); break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
      if (const auto* constraint = added_constraint(command)) {
        if (constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) remember_check(table, *constraint);
        if (constraint->skip_validation && constraint->conname)
          memory.not_valid_in_this_migration[{table_name_, constraint->conname}] = {
              constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ? table_name(constraint->pktable) : ""};
      }
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
      if (const auto check = table.unvalidated_not_null.find(name); check != table.unvalidated_not_null.end())
        table.validated_not_null.insert(check->second);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: table.columns.erase(name); break;
    default: break;
  }
}

template <typename Map>
void rename_key(Map& map, const std::string& from, const std::string& to) {
  auto node = map.extract(from);
  if (node.empty()) return;
  node.key() = to;
  map.insert_or_assign(to, std::move(node.mapped()));
}

void rename_in_set(std::set<std::string>& names, const std::string& from, const std::string& to) {
  if (names.erase(from)) names.insert(to);
}

// A table keeps what the set knows of it under its new name; a column its
// type and NOT NULL facts.
void rename(const PgQuery__RenameStmt& rename, SetMemory& memory) {
  if (!rename.newname) return;
  const std::string table = table_name(rename.relation), to = rename.newname;
  if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    rename_key(memory.tables, table, to);
    rename_key(memory.created_by_pending, table, to);
    rename_in_set(memory.created_in_this_migration, table, to);
    rename_in_set(memory.filled_in_this_migration, table, to);
    for (auto& [index, on] : memory.index_tables)
      if (on == table) on = to;
  } else if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rename.subname) {
    const auto found = memory.tables.find(table);
    if (found == memory.tables.end()) return;
    rename_key(found->second.columns, rename.subname, to);
    rename_in_set(found->second.validated_not_null, rename.subname, to);
  } else if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
    rename_key(memory.index_tables, table, to);
  }
}

void drop(const PgQuery__DropStmt& drop, SetMemory& memory) {
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const std::string name = last_name(drop.objects[i]->list->n_items, drop.objects[i]->list->items);
    if (drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) memory.tables.erase(name);
    if (drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) memory.index_tables.erase(name);
  }
}

// The body of a LANGUAGE sql function, as written after AS.
std::string sql_body_text(const PgQuery__CreateFunctionStmt& create) {
  for (std::size_t i = 0; i < create.n_options; ++i) {
    const PgQuery__Node* option = create.options[i];
    if (option->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !option->def_elem->defname ||
        std::string_view(option->def_elem->defname) != "as")
      continue;
    const PgQuery__Node* value = option->def_elem->arg;
    if (value && value->node_case == PG_QUERY__NODE__NODE_LIST && value->list->n_items > 0)
      return string_of(value->list->items[0]);
  }
  return {};
}

// What the body of a SQL function PostgreSQL would inline calls: a body that
// is one SELECT of one expression and nothing else, in a function without
// SET, SECURITY DEFINER or a set result (PostgreSQL's inline_function).
std::optional<std::vector<std::string>> inlined_calls(const PgQuery__CreateFunctionStmt& create) {
  if (option_named(create.n_options, create.options, "language") != "sql") return std::nullopt;
  if (option_named(create.n_options, create.options, "set") ||
      option_named(create.n_options, create.options, "security") == "true")
    return std::nullopt;
  if (create.return_type && create.return_type->setof) return std::nullopt;
  const PgQuery__Node* expression = nullptr;
  auto parsed = parse_sql(sql_body_text(create));
  if (create.sql_body && create.sql_body->node_case == PG_QUERY__NODE__NODE_RETURN_STMT) {
    expression = create.sql_body->return_stmt->returnval;  // RETURN expr
  } else if (const auto* body = std::get_if<ParsedSql>(&parsed); body && body->statements.size() == 1) {
    const PgQuery__Node* statement = body->statements[0].node;
    if (!statement || statement->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return std::nullopt;
    const PgQuery__SelectStmt& select = *statement->select_stmt;
    if (select.n_target_list != 1 || select.n_from_clause || select.where_clause || select.n_group_clause ||
        select.having_clause || select.n_window_clause || select.n_values_lists || select.n_sort_clause ||
        select.limit_count || select.limit_offset || select.with_clause || select.into_clause ||
        select.op != PG_QUERY__SET_OPERATION__SETOP_NONE || select.n_distinct_clause ||
        select.target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
      return std::nullopt;
    expression = select.target_list[0]->res_target->val;
  }
  if (!expression) return std::nullopt;
  std::vector<std::string> calls;
  each_function_call(expression,
                     [&](const PgQuery__FuncCall& call) { calls.push_back(last_name(call.n_funcname, call.funcname)); });
  return calls;
}

void remember_volatility(FunctionMemory& function, std::size_t count, PgQuery__Node* const* options) {
  if (const auto volatility = option_named(count, options, "volatility")) {
    function.is_volatile = *volatility == "volatile";
    function.volatility_declared = true;
  }
}

}  // namespace

void SetMemory::start_migration(std::string file, bool pending, bool in_transaction) {
  migration_file = std::move(file);
  migration_pending = pending;
  migration_in_transaction = in_transaction;
  created_in_this_migration.clear();
  filled_in_this_migration.clear();
  not_valid_in_this_migration.clear();
}

const ColumnType* SetMemory::column(const std::string& table, const std::string& column) const {
  const auto found = tables.find(table);
  if (found == tables.end()) return nullptr;
  const auto type = found->second.columns.find(column);
  return type == found->second.columns.end() ? nullptr : &type->second;
}

void learn(const PgQuery__Node& statement, SetMemory& memory) {
  switch (statement.node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: create_table(*statement.create_stmt, memory); break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (const auto* into = statement.create_table_as_stmt->into) {
        const std::string table = table_name(into->rel);
        remember_created(table, memory);
        if (!into->skip_data) remember_filled(table, memory);
      }
      break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:  // SELECT ... INTO t
      if (const auto* into = statement.select_stmt->into_clause) {
        remember_created(table_name(into->rel), memory);
        remember_filled(table_name(into->rel), memory);
      }
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT: remember_filled(table_name(statement.insert_stmt->relation), memory); break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      if (statement.copy_stmt->is_from) remember_filled(table_name(statement.copy_stmt->relation), memory);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      if (statement.index_stmt->idxname && *statement.index_stmt->idxname)
        memory.index_tables[statement.index_stmt->idxname] = table_name(statement.index_stmt->relation);
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
        alter_table(command, table, memory);
      });
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT: rename(*statement.rename_stmt, memory); break;
    case PG_QUERY__NODE__NODE_DROP_STMT: drop(*statement.drop_stmt, memory); break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
      const PgQuery__CreateFunctionStmt& create = *statement.create_function_stmt;
      if (create.is_procedure) break;
      FunctionMemory function{.is_volatile = true,
                              .volatility_declared = false,
                              .file = memory.migration_file,
                              .inlined_calls = inlined_calls(create)};
      remember_volatility(function, create.n_options, create.options);
      memory.functions[last_name(create.n_funcname, create.funcname)] = function;
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT: {
      const PgQuery__AlterFunctionStmt& alter = *statement.alter_function_stmt;
      if (!alter.func) break;
      const auto known = memory.functions.find(last_name(alter.func->n_objname, alter.func->objname));
      if (known == memory.functions.end()) break;
      known->second.file = memory.migration_file;
      remember_volatility(known->second, alter.n_actions, alter.actions);
      break;
    }
    default: break;
  }
}

}  // namespace dbinit::lint
