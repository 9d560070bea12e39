#include "lint/rules.hpp"

#include <algorithm>
#include <string>

namespace dbinit::lint {

namespace {

constexpr const Rule* rule_list[] = {
#define DBINIT_LINT_LIST_RULE(id) &rules::id,
    DBINIT_LINT_RULES(DBINIT_LINT_LIST_RULE)
#undef DBINIT_LINT_LIST_RULE
};

// A finding's text as a table cell, "{}" read as `subject`.
std::string cell(std::string_view text, std::string_view subject) {
  std::string out(text);
  if (const auto slot = out.find("{}"); slot != std::string::npos) out.replace(slot, 2, subject);
  for (std::size_t at = 0; (at = out.find('|', at)) != std::string::npos; at += 2) out.replace(at, 1, "\\|");
  return out;
}

}  // namespace

std::span<const Rule* const> all_rules() { return rule_list; }

const Rule* rule_named(std::string_view name) {
  const auto found =
      std::find_if(std::begin(rule_list), std::end(rule_list), [&](const Rule* r) { return r->name == name; });
  return found == std::end(rule_list) ? nullptr : *found;
}

std::string rules_markdown_table() {
  std::string table = "| rule | found on | what it costs | the safe way |\n| --- | --- | --- | --- |\n";
  for (const Rule* rule : rule_list)
    table += "| `" + std::string(rule->name) + "` | " + std::string(rule->found_on) + " | " +
             cell(rule->cost, rule->subject_in_docs) + " | " + cell(rule->safe_way, rule->subject_in_docs) + " |\n";
  return table;
}

bool Breaches::on_live_table(const std::string& table, std::string note) {
  if (memory_.created_here(table)) return false;
  const auto creator = memory_.created_by_pending.find(table);
  out_.push_back({&rule_, table, std::move(note),
                  creator == memory_.created_by_pending.end() ? std::string() : creator->second});
  return true;
}

void Breaches::on_each_live_table(const std::vector<std::string>& tables) {
  if (tables.empty()) on("every table");
  for (const auto& table : tables) on_live_table(table);
}

void Breaches::on(std::string subject, std::string note) {
  out_.push_back({&rule_, std::move(subject), std::move(note), {}});
}

}  // namespace dbinit::lint
