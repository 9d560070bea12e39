#pragma once
// Small text helpers shared by parsers and log lines.
#include <string>
#include <string_view>

namespace dbinit {

// ASCII lower case (identifiers, units, keywords; never user data).
std::string lower(std::string_view text);

// Several lines (libpq's messages end with a newline and may span lines)
// joined into one with "; ", blanks trimmed, tabs made spaces.
std::string single_line(std::string_view message);

}  // namespace dbinit
