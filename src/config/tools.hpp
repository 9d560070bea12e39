#pragma once
// The commands that never connect: --version (which names the migration set
// too), `bundle` and `new`. Their output goes to stdout, a refusal is one
// "dbinit: ..." line on stderr, as for options.
#include <optional>
#include <span>

#include "config/options.hpp"
#include "migrate/embedded_files.hpp"

namespace dbinit {

// nullopt when config.command is not one of them; otherwise the exit code:
// 0, or 2 when the set, the name or the output is refused.
std::optional<int> run_tool(const Config& config, std::span<const EmbeddedFile> compiled_in);

}  // namespace dbinit
