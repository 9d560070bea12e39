#pragma once
// The commands beside the phases: --version (which names the migration set
// too), `bundle`, `new`, and `lint`, which execs dbinit-lint after reading
// the history of the database it is given, if any. Their output goes to
// stdout, a refusal is one "dbinit: ..." line on stderr, as for options.
#include <optional>
#include <span>

#include "config/options.hpp"
#include "migration_set/embedded_files.hpp"

namespace dbinit {

// nullopt when config.command is not one of them; otherwise the exit code:
// 0, or 2 when the set, the name or the output is refused. lint returns
// only when dbinit-lint cannot be run.
std::optional<int> run_tool(const Config& config, std::span<const EmbeddedFile> compiled_in);

}  // namespace dbinit
