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

}  // namespace dbinit::lint
