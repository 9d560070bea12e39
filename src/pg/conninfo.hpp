#pragma once
// A libpq connection string (URI or key=value), read by libpq's own parser:
// the one place dbinit looks inside one, to check it, to find its host list
// and to learn its password for redaction.
#include <map>
#include <optional>
#include <string>

namespace dbinit {

struct ConnInfo {
  std::map<std::string, std::string> values;  // keyword -> value, only those the string sets
  std::optional<std::string> error;           // libpq's complaint when the string is malformed
};

// An empty string is valid and sets nothing (libpq's defaults and PG* apply).
ConnInfo parse_conninfo(const std::string& conninfo);

}  // namespace dbinit
