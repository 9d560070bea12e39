#include "supervise/memory.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/unique_fd.hpp"

namespace dbinit {

namespace {

// pagemap(5): bit 63 page present, bit 61 file page (or shared anonymous).
constexpr std::uint64_t page_present = std::uint64_t{1} << 63;
constexpr std::uint64_t page_is_file = std::uint64_t{1} << 61;

std::optional<std::uintptr_t> parse_hex(std::string_view text) {
  std::uintptr_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string system_error(const std::string& attempted) { return attempted + ": " + std::strerror(errno); }

bool read_all(int fd, std::string& text) {
  char buffer[8192];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::vector<MemoryRegion> private_file_regions(std::string_view maps) {
  std::vector<MemoryRegion> regions;
  while (!maps.empty()) {
    const auto newline = maps.find('\n');
    const std::string_view line = maps.substr(0, newline);
    maps.remove_prefix(newline == std::string_view::npos ? maps.size() : newline + 1);
    // "start-end perms offset dev inode   path"
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    if (dash == std::string_view::npos || space == std::string_view::npos || dash > space || line.size() < space + 5)
      continue;
    const auto start = parse_hex(line.substr(0, dash));
    const auto end = parse_hex(line.substr(dash + 1, space - dash - 1));
    const bool is_private = line[space + 4] == 'p';
    if (start && end && *start < *end && is_private && line.find(" /") != std::string_view::npos)
      regions.push_back({*start, *end});
  }
  return regions;
}

std::vector<MemoryRegion> clean_file_runs(MemoryRegion region, std::span<const std::uint64_t> pagemap,
                                          std::size_t page_size) {
  std::vector<MemoryRegion> runs;
  for (std::size_t page = 0; page < pagemap.size(); ++page) {
    const bool private_copy = (pagemap[page] & page_present) && !(pagemap[page] & page_is_file);
    if (private_copy) continue;
    const std::uintptr_t start = region.start + page * page_size;
    if (!runs.empty() && runs.back().end == start)
      runs.back().end += page_size;
    else
      runs.push_back({start, start + page_size});
  }
  return runs;
}

bool release_startup_memory(std::string* error) {
  // Every run is found first and dropped last, in one tight loop, with the
  // heap already trimmed: code run after the drop faults its pages (and
  // 64 kB around each) back in, so as little as possible runs after it.
  // On the stack: freeing a heap list after the drop would fault malloc's code back in.
  std::array<MemoryRegion, 512> runs{};
  std::size_t run_count = 0;
  bool found = true;
  {
    std::string maps;
    UniqueFd maps_fd(::open("/proc/self/maps", O_RDONLY | O_CLOEXEC));
    UniqueFd pagemap_fd(::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
    if (!maps_fd || !read_all(maps_fd.get(), maps) || !pagemap_fd) {
      *error = system_error("reading /proc/self/maps and /proc/self/pagemap");
      return false;
    }
    const auto page_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<std::uint64_t> entries;
    for (const auto& region : private_file_regions(maps)) {
      entries.resize((region.end - region.start) / page_size);
      const auto offset = static_cast<off_t>(region.start / page_size * sizeof(std::uint64_t));
      const auto bytes = entries.size() * sizeof(std::uint64_t);
      if (::pread(pagemap_fd.get(), entries.data(), bytes, offset) != static_cast<ssize_t>(bytes)) {
        *error = system_error("reading /proc/self/pagemap");
        found = false;
        break;
      }
      for (const auto& run : clean_file_runs(region, entries, page_size)) {
        // More runs than room: the rest stay resident, harmlessly.
        if (run_count < runs.size()) runs[run_count++] = run;
      }
    }
  }
  ::malloc_trim(0);
  bool dropped = found;
  for (std::size_t i = 0; i < run_count; ++i) {
    const auto& run = runs[i];
    if (::madvise(reinterpret_cast<void*>(run.start), run.end - run.start, MADV_DONTNEED) != 0) dropped = false;
  }
  if (found && !dropped) *error = system_error("dropping clean pages with madvise");
  return dropped;
}

}  // namespace dbinit
