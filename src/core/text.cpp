#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace dbinit {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_word_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool stands_alone(std::string_view text, std::size_t at, std::size_t length) {
  const auto end = at + length;
  return (at == 0 || !is_word_character(text[at - 1])) && (end >= text.size() || !is_word_character(text[end]));
}

bool contains_word(std::string_view text, std::string_view word) {
  const std::string lowered = lower(text);
  for (auto at = lowered.find(word); at != std::string::npos; at = lowered.find(word, at + 1))
    if (stands_alone(lowered, at, word.size())) return true;
  return false;
}

std::string single_line(std::string_view message) {
  // Lines joined with "; ", each trimmed: libpq indents its hints with a tab.
  std::string out;
  std::size_t start = 0;
  while (start <= message.size()) {
    auto end = message.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = message.size();
    auto line = message.substr(start, end - start);
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      line = line.substr(first, line.find_last_not_of(" \t") - first + 1);
      out += (out.empty() ? "" : "; ") + std::string(line);
    }
    start = end + 1;
  }
  for (auto& c : out)
    if (c == '\t') c = ' ';
  return out;
}

std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (byte < 0x20 || byte == 0x7f) out += std::string("\\x") + hex[byte >> 4] + hex[byte & 0xf];
    else out += c;
  }
  return out;
}

}  // namespace dbinit
