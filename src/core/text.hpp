#pragma once
// Small text helpers shared by parsers and log lines.
#include <string>
#include <string_view>

namespace dbinit {

// The longest name PostgreSQL keeps (NAMEDATALEN - 1 bytes): it truncates
// longer identifiers and application names.
inline constexpr std::size_t postgres_name_limit = 63;

// ASCII lower case (identifiers, units, keywords; never user data).
std::string lower(std::string_view text);

// A letter, digit or '_' (ASCII): what \b in a regular expression counts.
bool is_word_character(char c);

// Whether text[at, at + length) is not inside a longer word.
bool stands_alone(std::string_view text, std::size_t at, std::size_t length);

// Whether `word` (lower case) stands in `text` as a whole word, in any case.
bool contains_word(std::string_view text, std::string_view word);

// Several lines (libpq's messages end with a newline and may span lines)
// joined into one with "; ", blanks trimmed, tabs made spaces.
std::string single_line(std::string_view message);

// User input quoted in a message, made printable on one line: control
// characters become \n, \t, \r or \xNN (an option value or a file name
// may hold any byte; the error about it must still be one line).
std::string printable(std::string_view text);

}  // namespace dbinit
