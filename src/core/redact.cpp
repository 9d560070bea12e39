#include "core/redact.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "core/text.hpp"

namespace dbinit {

namespace {

// Built on first use, not at start-up: compiling a std::regex costs more
// than the rest of a no-op start, and most runs never log a connection string.
// user:password@ in a URI; the user part cannot contain ':' '@' '/'.
const std::regex& uri_password() {
  static const std::regex pattern(R"(((?:postgres|postgresql)://[^:@/\s]*:)([^@\s]*)@)", std::regex::icase);
  return pattern;
}
// password=value, quoted or bare, in a key=value string or libpq message.
const std::regex& keyword_password() {
  static const std::regex pattern(R"((\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+))", std::regex::icase);
  return pattern;
}

bool is_word_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A very short password ("pw") would otherwise shred ordinary words in every
// message ("database"); those are replaced only where they stand alone.
void replace_all(std::string& text, std::string_view needle) {
  const bool whole_words_only = needle.size() < 6;
  for (auto at = text.find(needle); at != std::string::npos;) {
    const auto end = at + needle.size();
    const bool alone = (at == 0 || !is_word_character(text[at - 1])) && (end >= text.size() || !is_word_character(text[end]));
    if (whole_words_only && !alone) {
      at = text.find(needle, at + 1);
      continue;
    }
    text.replace(at, needle.size(), redacted);
    at = text.find(needle, at + redacted.size());
  }
}

}  // namespace

std::string redact_connection_patterns(std::string_view text) {
  // Most lines name no connection string: skip the regex work for them.
  const std::string lowered = lower(text);
  if (lowered.find("://") == std::string::npos && lowered.find("password") == std::string::npos)
    return std::string(text);
  std::string out = std::regex_replace(std::string(text), uri_password(), "$1" + std::string(redacted) + "@");
  return std::regex_replace(out, keyword_password(), "$1" + std::string(redacted));
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.empty() || std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.emplace_back(secret);
  // Longest first, so a password that contains another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
  std::string out = redact_connection_patterns(text);
  for (const auto& secret : secrets_) replace_all(out, secret);
  return out;
}

}  // namespace dbinit
