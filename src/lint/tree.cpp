#include "lint/tree.hpp"

namespace dbinit::lint {

namespace {

// Every message under `message`, found through protobuf-c's descriptors, so
// that no node kind of PostgreSQL's grammar (there are over 200) is missed.
void each_message(const ProtobufCMessage* message, const std::function<void(const ProtobufCMessage&)>& visit) {
  if (!message) return;
  visit(*message);
  const ProtobufCMessageDescriptor& descriptor = *message->descriptor;
  const auto* base = reinterpret_cast<const char*>(message);
  for (unsigned i = 0; i < descriptor.n_fields; ++i) {
    const ProtobufCFieldDescriptor& field = descriptor.fields[i];
    if (field.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    // A Node is a oneof: only the member its case names is there.
    if ((field.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
        *reinterpret_cast<const uint32_t*>(base + field.quantifier_offset) != field.id)
      continue;
    if (field.label == PROTOBUF_C_LABEL_REPEATED) {
      const auto count = *reinterpret_cast<const std::size_t*>(base + field.quantifier_offset);
      const auto* items = *reinterpret_cast<ProtobufCMessage* const* const*>(base + field.offset);
      for (std::size_t j = 0; j < count; ++j) each_message(items[j], visit);
    } else {
      each_message(*reinterpret_cast<const ProtobufCMessage* const*>(base + field.offset), visit);
    }
  }
}

}  // namespace

std::string string_of(const PgQuery__Node* node) {
  if (!node || node->node_case != PG_QUERY__NODE__NODE_STRING || !node->string->sval) return {};
  return node->string->sval;
}

std::string last_name(std::size_t count, PgQuery__Node* const* names) {
  return count == 0 ? std::string() : string_of(names[count - 1]);
}

std::string table_name(const PgQuery__RangeVar* relation) {
  return relation && relation->relname ? std::string(relation->relname) : std::string();
}

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

ColumnType column_type(const PgQuery__TypeName& type) {
  ColumnType column{last_name(type.n_names, type.names), {}, type.n_array_bounds > 0};
  for (std::size_t i = 0; i < type.n_typmods; ++i) {
    const PgQuery__Node* modifier = type.typmods[i];
    const bool whole_number = modifier->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                              modifier->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL;
    column.modifiers.push_back(whole_number ? modifier->a_const->ival->ival : -1);
  }
  return column;
}

std::vector<const PgQuery__Constraint*> constraints_of(const PgQuery__ColumnDef& column) {
  std::vector<const PgQuery__Constraint*> constraints;
  for (std::size_t i = 0; i < column.n_constraints; ++i)
    if (column.constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
      constraints.push_back(column.constraints[i]->constraint);
  return constraints;
}

const PgQuery__Node* default_of(const PgQuery__ColumnDef& column) {
  if (column.raw_default) return column.raw_default;
  for (const auto* constraint : constraints_of(column))
    if (constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) return constraint->raw_expr;
  return nullptr;
}

void each_function_call(const PgQuery__Node* node, const std::function<void(const PgQuery__FuncCall&)>& visit) {
  each_message(&node->base, [&](const ProtobufCMessage& message) {
    if (message.descriptor == &pg_query__func_call__descriptor)
      visit(reinterpret_cast<const PgQuery__FuncCall&>(message));
  });
}

std::optional<std::string> not_null_checked_column(const PgQuery__Node* expression) {
  if (!expression || expression->node_case != PG_QUERY__NODE__NODE_NULL_TEST) return std::nullopt;
  const PgQuery__NullTest& test = *expression->null_test;
  if (test.nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !test.arg ||
      test.arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
    return std::nullopt;
  const PgQuery__ColumnRef& column = *test.arg->column_ref;
  return last_name(column.n_fields, column.fields);
}

void each_alter_table_command(const PgQuery__Node& statement,
                              const std::function<void(const PgQuery__AlterTableCmd&, const std::string&)>& visit) {
  if (statement.node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) return;
  const PgQuery__AlterTableStmt& alter = *statement.alter_table_stmt;
  if (alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  const std::string table = table_name(alter.relation);
  for (std::size_t i = 0; i < alter.n_cmds; ++i)
    if (alter.cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) visit(*alter.cmds[i]->alter_table_cmd, table);
}

const PgQuery__Constraint* added_constraint(const PgQuery__AlterTableCmd& command) {
  if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint || !command.def ||
      command.def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
    return nullptr;
  return command.def->constraint;
}

const PgQuery__ColumnDef* column_definition(const PgQuery__AlterTableCmd& command) {
  if (!command.def || command.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) return nullptr;
  return command.def->column_def;
}

std::optional<std::string> option_named(std::size_t count, PgQuery__Node* const* options, std::string_view name) {
  for (std::size_t i = 0; i < count; ++i) {
    const PgQuery__Node* option = options[i];
    if (option->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !option->def_elem->defname ||
        std::string_view(option->def_elem->defname) != name)
      continue;
    const PgQuery__Node* value = option->def_elem->arg;
    if (value && value->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return value->boolean->boolval ? "true" : "false";
    if (value && value->node_case == PG_QUERY__NODE__NODE_INTEGER) return value->integer->ival ? "true" : "false";
    return string_of(value);
  }
  return std::nullopt;
}

}  // namespace dbinit::lint
