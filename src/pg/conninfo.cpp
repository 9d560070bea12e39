#include "pg/conninfo.hpp"

#include <libpq-fe.h>

#include <memory>

#include "core/text.hpp"

namespace dbinit {

ConnInfo parse_conninfo(const std::string& conninfo) {
  ConnInfo parsed;
  if (conninfo.empty()) return parsed;
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                        &PQconninfoFree);
  std::unique_ptr<char, decltype(&PQfreemem)> error_owner(error, &PQfreemem);
  if (!options) {
    parsed.error = error ? single_line(error) : "out of memory parsing the connection string";
    return parsed;
  }
  for (auto* option = options.get(); option->keyword; ++option)
    if (option->val) parsed.values.emplace(option->keyword, option->val);
  return parsed;
}

}  // namespace dbinit
