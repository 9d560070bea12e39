#pragma once
// Who descends from whom, from /proc. The supervisor uses it to find the
// processes COMMAND left behind; tests use it to look inside a PID namespace.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct ProcessEntry {
  pid_t pid = 0;
  pid_t parent = 0;
  char state = '?';  // 'R', 'S', 'Z' (zombie), ... as in proc(5)
  std::string name;  // comm: the executable name, at most 15 characters
};

// One /proc/PID/stat line. The name sits in parentheses and may itself hold
// spaces and ')', so the fields after it are found from the last ')'.
std::optional<ProcessEntry> parse_proc_stat(std::string_view line);

// Every process whose chain of parents leads to root (root excluded), in
// breadth-first order.
std::vector<ProcessEntry> descendants_of(pid_t root, const std::vector<ProcessEntry>& table);

// Every process visible in /proc; nullopt with *error set when /proc cannot
// be listed. Processes that exit during the scan are skipped.
std::optional<std::vector<ProcessEntry>> read_process_table(std::string* error);

}  // namespace dbinit
