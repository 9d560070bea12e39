#include "migrate/schema_snapshot.hpp"

#include <algorithm>
#include <tuple>

namespace dbinit {

namespace {

auto key_of(const SchemaObject& object) { return std::tie(object.kind, object.on, object.name); }

// A definition on one line and of a readable length: function bodies span
// many lines, and the log line must stay one line.
std::string shown(std::string_view definition) {
  constexpr std::size_t limit = 160;
  std::string out;
  bool space = false;
  for (const char c : definition) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > limit) out = out.substr(0, limit) + "...";
  return "'" + out + "'";
}

}  // namespace

SchemaSnapshot make_snapshot(std::vector<SchemaObject> objects) {
  std::sort(objects.begin(), objects.end(), [](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
  return {std::move(objects)};
}

std::vector<SchemaDifference> compare_snapshots(const SchemaSnapshot& expected, const SchemaSnapshot& found) {
  std::vector<SchemaDifference> differences;
  auto e = expected.objects.begin(), f = found.objects.begin();
  while (e != expected.objects.end() || f != found.objects.end()) {
    if (f == found.objects.end() || (e != expected.objects.end() && key_of(*e) < key_of(*f))) {
      differences.push_back({SchemaChange::missing, *e++, {}});
    } else if (e == expected.objects.end() || key_of(*f) < key_of(*e)) {
      differences.push_back({SchemaChange::left_over, {}, *f++});
    } else {
      if (e->definition != f->definition) differences.push_back({SchemaChange::differs, *e, *f});
      ++e;
      ++f;
    }
  }
  return differences;
}

std::string describe(const SchemaObject& object) {
  return object.kind + " " + object.name + (object.on.empty() ? "" : " on " + object.on);
}

std::string describe(const SchemaDifference& difference, std::string_view after) {
  const std::string when = std::string(" after ") + std::string(after);
  switch (difference.change) {
    case SchemaChange::left_over:
      if (after.starts_with("down")) return describe(difference.found) + " is still there" + when;
      return describe(difference.found) + " is there" + when + ", and was not after the first";
    case SchemaChange::missing:
      return describe(difference.expected) + " is missing" + when;
    case SchemaChange::differs:
      return describe(difference.found) + " differs" + when + ": " + shown(difference.found.definition) +
             ", expected " + shown(difference.expected.definition);
  }
  return {};
}

}  // namespace dbinit
