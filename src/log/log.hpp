#pragma once
// The logging facade of the database side: every line the wait, migrate and
// hand-off phases write goes through here, redacted (core/redact.hpp),
// formatted (core/log_format.hpp) and handed to Boost.Log's sink on stderr.
// The resident supervisor never links this; it formats its own few lines.
#include <string_view>

#include "core/log_format.hpp"
#include "core/redact.hpp"

namespace dbinit::log {

// Level and format; until start_core(), lines go straight to stderr in the
// same format (a run that only hands off never needs more).
void init(LogSettings settings);
// The Boost.Log core and its stderr sink, for the database phases.
void start_core();
// The passwords removed from every line (connection strings, PGPASSWORD).
Redactor& redactor();

void debug(Phase phase, std::string_view message, const Fields& fields = {});
void info(Phase phase, std::string_view message, const Fields& fields = {});
void warn(Phase phase, std::string_view message, const Fields& fields = {});
void error(Phase phase, std::string_view message, const Fields& fields = {});
bool enabled(Level level);

}  // namespace dbinit::log
