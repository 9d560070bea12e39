#include "lint/report_output.hpp"

#include <cstdio>

#include "core/json.hpp"

namespace dbinit::lint {

namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string json_finding(const Finding& finding) {
  std::string out = "{\"file\":" + json_string(finding.file) + ",\"line\":" + std::to_string(finding.line) +
                    ",\"column\":" + std::to_string(finding.column) + ",\"rule\":" + json_string(finding.rule->name) +
                    ",\"subject\":" + json_string(finding.subject) + ",\"message\":" +
                    json_string(finding_message(finding)) + ",\"safe_way\":" + json_string(finding.rule->safe_way);
  if (!finding.pending_creator.empty()) out += ",\"pending_creator\":" + json_string(finding.pending_creator);
  return out + "}";
}

template <typename Items, typename Render>
std::string json_array(const Items& items, Render render) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + render(items[i]);
  return out + "]";
}

std::string render_json(const LintReport& report) {
  return "{\"findings\":" + json_array(report.findings, json_finding) +
         ",\"exemptions\":" + json_array(report.exemptions, json_finding) + ",\"refused_files\":" +
         json_array(report.failures,
                    [](const SyntaxFailure& failure) {
                      return "{\"file\":" + json_string(failure.file) + ",\"line\":" + std::to_string(failure.line) +
                             ",\"column\":" + std::to_string(failure.column) + ",\"message\":" +
                             json_string(failure.message) + "}";
                    }) +
         ",\"files_read\":" + std::to_string(report.files_parsed) + ",\"statements\":" +
         std::to_string(report.statements) + "}\n";
}

// GitHub's workflow commands: a message escapes %, CR and LF; a property
// value also ':' and ','.
std::string github_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string github_property(std::string_view text) {
  std::string out;
  for (const char c : github_data(text)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string github_command(std::string_view command, const std::string& file, int line, int column,
                           std::string_view title, std::string_view message) {
  return "::" + std::string(command) + " file=" + github_property(file) + ",line=" + std::to_string(line) +
         ",col=" + std::to_string(column) + ",title=" + github_property(title) + "::" + github_data(message) + "\n";
}

std::string render_github(const LintReport& report) {
  std::string out;
  for (const auto& failure : report.failures)
    out += github_command("error", failure.file, failure.line, failure.column, "PostgreSQL's parser refuses the file",
                          failure.message);
  for (const auto& finding : report.findings)
    out += github_command("warning", finding.file, finding.line, finding.column,
                          "dbinit-lint " + std::string(finding.rule->name),
                          finding_message(finding) + "; safe way: " + std::string(finding.rule->safe_way));
  for (const auto& exemption : report.exemptions)
    out += github_command("notice", exemption.file, exemption.line, exemption.column,
                          "dbinit-lint " + std::string(exemption.rule->name) + " (exempt)",
                          exemption.subject + " does not exist yet on the database: " + exemption.pending_creator +
                              ", which creates it, is still pending there");
  return out;
}

}  // namespace

std::string render_report(const LintReport& report, OutputFormat format, const std::string& prefix) {
  switch (format) {
    case OutputFormat::json: return render_json(report);
    case OutputFormat::github: return render_github(report);
    case OutputFormat::text: break;
  }
  std::string out;
  for (const auto& failure : report.failures) out += prefix + format_failure(failure) + "\n";
  for (const auto& finding : report.findings) out += prefix + format_finding(finding) + "\n";
  for (const auto& exemption : report.exemptions) out += prefix + format_exemption(exemption) + "\n";
  return out;
}

std::string render_rule_list() {
  std::string out;
  for (const Rule* rule : all_rules()) {
    std::string cost(rule->cost);
    if (const auto slot = cost.find("{}"); slot != std::string::npos) cost.replace(slot, 2, rule->subject_in_docs);
    out += std::string(rule->name) + ": " + cost + "\n";
  }
  return out;
}

}  // namespace dbinit::lint
