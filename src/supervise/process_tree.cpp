#include "supervise/process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "core/unique_fd.hpp"

namespace dbinit {

namespace {

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The whole of a small /proc file; empty when it is gone.
std::string read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  char buffer[1024];
  std::string text;
  for (;;) {
    const auto n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

std::optional<ProcessEntry> parse_proc_stat(std::string_view line) {
  const auto open = line.find(" (");
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  // After the name: " S PPID ..."
  const std::string_view rest = line.substr(close + 1);
  if (rest.size() < 5 || rest[0] != ' ' || rest[2] != ' ') return std::nullopt;
  const std::string_view parent_text = rest.substr(3, rest.find(' ', 3) - 3);
  const auto pid = parse_number<pid_t>(line.substr(0, open));
  const auto parent = parse_number<pid_t>(parent_text);
  if (!pid || !parent) return std::nullopt;
  return ProcessEntry{.pid = *pid,
                      .parent = *parent,
                      .state = rest[1],
                      .name = std::string(line.substr(open + 2, close - open - 2))};
}

std::vector<ProcessEntry> descendants_of(pid_t root, const std::vector<ProcessEntry>& table) {
  std::vector<ProcessEntry> found;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    std::vector<pid_t> next;
    for (const pid_t parent : frontier)
      for (const auto& entry : table)
        // Each entry has one parent, so only a cycle through root could visit
        // one twice; a table read while PIDs were reused might hold one.
        if (entry.parent == parent && entry.pid != root) {
          found.push_back(entry);
          next.push_back(entry.pid);
        }
    frontier = std::move(next);
  }
  return found;
}

std::optional<std::vector<ProcessEntry>> read_process_table(std::string* error) {
  std::unique_ptr<DIR, DirCloser> proc(::opendir("/proc"));
  if (!proc) {
    *error = std::string("listing /proc: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<ProcessEntry> table;
  while (const dirent* item = ::readdir(proc.get())) {
    if (!parse_number<pid_t>(item->d_name)) continue;  // not a process: "self", "sys", ...
    if (auto entry = parse_proc_stat(read_small_file(std::string("/proc/") + item->d_name + "/stat")))
      table.push_back(std::move(*entry));
  }
  return table;
}

}  // namespace dbinit
