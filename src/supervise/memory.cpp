#include "supervise/memory.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/unique_fd.hpp"

namespace dbinit {

namespace {

struct Mapping {
  MemoryRegion region;
  bool eligible = false;  // file-backed, private, read-only
  bool has_anonymous = false;
};

std::optional<std::uintptr_t> parse_hex(std::string_view text) {
  std::uintptr_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "start-end perms offset dev inode   path"
std::optional<Mapping> parse_mapping_header(std::string_view line) {
  const auto dash = line.find('-');
  const auto space = line.find(' ');
  if (dash == std::string_view::npos || space == std::string_view::npos || dash > space) return std::nullopt;
  const auto start = parse_hex(line.substr(0, dash));
  const auto end = parse_hex(line.substr(dash + 1, space - dash - 1));
  if (!start || !end || line.size() < space + 5) return std::nullopt;
  const std::string_view perms = line.substr(space + 1, 4);
  const auto path = line.find(" /");
  Mapping mapping;
  mapping.region = {*start, *end};
  mapping.eligible = perms[1] == '-' && perms[3] == 'p' && path != std::string_view::npos;
  return mapping;
}

bool is_field_line(std::string_view line) {
  // Field lines start with a capitalised name ("Rss:", "Anonymous:"), headers with a hex digit.
  const auto colon = line.find(':');
  return colon != std::string_view::npos && line.find(' ') > colon;
}

std::string read_file(const char* path, std::string* error) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) {
    *error = std::string("opening ") + path + ": " + std::strerror(errno);
    return {};
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const auto n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("reading ") + path + ": " + std::strerror(errno);
      return {};
    }
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

bool drop_clean_file_pages(std::string* error) {
  const std::string smaps = read_file("/proc/self/smaps", error);
  if (smaps.empty()) return false;
  for (const auto& region : clean_file_regions(smaps)) {
    if (::madvise(reinterpret_cast<void*>(region.start), region.end - region.start, MADV_DONTNEED) != 0) {
      *error = std::string("dropping clean pages with madvise: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<MemoryRegion> clean_file_regions(std::string_view smaps) {
  std::vector<MemoryRegion> regions;
  std::optional<Mapping> current;
  auto finish = [&] {
    if (current && current->eligible && !current->has_anonymous) regions.push_back(current->region);
  };
  while (!smaps.empty()) {
    const auto newline = smaps.find('\n');
    const std::string_view line = smaps.substr(0, newline);
    smaps.remove_prefix(newline == std::string_view::npos ? smaps.size() : newline + 1);
    if (is_field_line(line)) {
      // Any anonymous page is a private copy (a relocation, say): keep the whole mapping.
      if (current && line.starts_with("Anonymous:") && line.find_first_of("123456789") != std::string_view::npos)
        current->has_anonymous = true;
      continue;
    }
    finish();
    current = parse_mapping_header(line);
  }
  finish();
  return regions;
}

bool release_startup_memory(std::string* error) {
  bool released = drop_clean_file_pages(error);
  // Last, so that the heap the smaps text took is returned too.
  ::malloc_trim(0);
  return released;
}

}  // namespace dbinit
