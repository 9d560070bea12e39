#pragma once
// Placeholders: a migration whose opening lines include
// `-- dbinit:placeholders` has each ${NAME} replaced by the environment
// variable NAME before it is sent, ${NAME:-default} when NAME is unset or
// empty, and $${ stands for a literal ${. A file without the marker is never
// touched, so dollar-quoted bodies and psql-like text stay as written. The
// checksum is over the file as written (migration_set/set.hpp): another
// value in another environment is not drift. Pure: takes the text and a
// lookup, returns text or the one line naming file, line and variable.
//
// dbinit-lint reads files as written; ${NAME} does not parse as SQL. Lint
// the text with_neutral_placeholders() gives (each placeholder its default,
// or the identifier dbinit_placeholder_NAME): the statement keeps its
// shape, and no environment's value is needed to lint it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration_set/set.hpp"

namespace dbinit {

inline constexpr std::string_view placeholders_directive = "-- dbinit:placeholders";

// Whether the file opens with the marker: among its first lines that are
// `-- dbinit:` directives (it may follow `-- dbinit:no-transaction`).
bool uses_placeholders(std::string_view sql);

// A variable whose value is a secret (its name contains PASSWORD, SECRET or
// TOKEN, in any case): `dbinit sql` prints :'NAME' for it, and its value is
// given to the log redactor.
bool is_secret_placeholder(std::string_view name);

// The environment's value of a variable; nullopt when unset.
using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

// What a placeholder becomes: its value (sending), or :'NAME' for a secret
// one (`dbinit sql`, whose output may end up in a CI log).
enum class PlaceholderUse { send, show };

struct Substitution {
  std::string sql;
  std::vector<std::string> secret_values;  // for the log redactor
  std::string error;                       // "FILE:LINE: ..."; empty: sql is set
};

// The text of one file with its placeholders replaced; unset variables
// without a default, and malformed placeholders, are errors. An empty
// variable counts as unset, as everywhere in dbinit.
Substitution substitute_placeholders(std::string_view file_name, std::string_view sql, const VariableLookup& lookup,
                                     PlaceholderUse use);

// Every file of the set that opens with the marker, up and down, replaced
// in place; the first error stops it. The secrets' values are returned.
Substitution fill_placeholders(std::vector<Migration>& migrations, const VariableLookup& lookup, PlaceholderUse use);

// For dbinit-lint: see above. Malformed placeholders are left as written.
std::string with_neutral_placeholders(std::string_view sql);

}  // namespace dbinit
