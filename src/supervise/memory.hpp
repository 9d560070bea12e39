#pragma once
// Handing back memory the resident supervisor will not use again.
//
// Before the fork, dbinit ran the static initialisers of its libraries and
// parsed its options; every page of the executable that touched (plus the
// kernel's fault-around, 64 kB per fault) stays mapped in the supervisor and
// counts in its RSS for the container's whole life. Pages that are still the
// file's own (never written) are clean copies of the executable: dropping
// them from the page tables loses nothing, and the few the supervisor's loop
// needs again come back from the page cache on first touch. Pages a
// relocation or a write made private are kept: /proc/self/pagemap tells the
// two apart page by page, so the read-only-after-relocation data (RELRO) is
// released too, all but its written pages.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct MemoryRegion {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
};

// From the text of /proc/self/maps: the private mappings of a file.
std::vector<MemoryRegion> private_file_regions(std::string_view maps);

// Within a region, the runs of pages that hold no private copy (absent, or
// present and still the file's own), from the region's /proc/self/pagemap
// entries, one per page: what can be dropped without losing a write.
std::vector<MemoryRegion> clean_file_runs(MemoryRegion region, std::span<const std::uint64_t> pagemap,
                                          std::size_t page_size);

// Drops the clean file pages and returns freed heap to the kernel.
// Best effort: on failure *error says what was attempted.
bool release_startup_memory(std::string* error);

}  // namespace dbinit
