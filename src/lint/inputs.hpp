#pragma once
// What dbinit-lint reads, as the texts lint_migrations() takes: files and
// directories named on the command line, a directory read by the set's
// rules, or the set dbinit hands over on a file descriptor.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lint/lint.hpp"

namespace dbinit::lint {

// Each path in order: a file as it is; a directory as a migration set when
// any of its files is named NNNN_name.up.sql (and then by the set's rules,
// which refuse what dbinit would), otherwise its .sql files in name order.
// nullopt, and `error` set, when a path cannot be read.
std::optional<std::vector<MigrationText>> read_paths(const std::vector<std::string>& paths, std::string& error);

// The up files of the set in `directory`, named DIR/FILE; `pending` marks
// the versions still to run on the database dbinit read.
std::optional<std::vector<MigrationText>> read_set_directory(const std::string& directory,
                                                             const std::optional<std::set<long long>>& pending,
                                                             std::string& error);

// The set dbinit wrote to `fd` (the bundle's payload format), named FILE.
std::optional<std::vector<MigrationText>> read_set_from_fd(int fd, const std::optional<std::set<long long>>& pending,
                                                           std::string& error);

// Whether a file name is NNNN_name.up.sql, the name of a migration set's up file.
bool is_set_up_file_name(std::string_view file_name);

}  // namespace dbinit::lint
