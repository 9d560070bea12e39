#pragma once
// A lint report as dbinit-lint prints it on stdout: text (a line each), JSON
// (one object), or GitHub Actions workflow commands, which a pull request
// shows as annotations on the lines they name. Pure.
#include <string>

#include "lint/arguments.hpp"
#include "lint/lint.hpp"

namespace dbinit::lint {

// `prefix` starts each text line ("dbinit: warning: " for bundle and new).
std::string render_report(const LintReport& report, OutputFormat format, const std::string& prefix = {});

// "FILE: ... (text)" lines of every rule: `dbinit-lint --rules`.
std::string render_rule_list();

}  // namespace dbinit::lint
