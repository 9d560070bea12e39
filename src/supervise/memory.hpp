#pragma once
// Handing back memory the resident supervisor will not use again.
//
// Before the fork, dbinit ran the static initialisers of its libraries and
// parsed its options; every code and read-only data page that touched (plus
// the kernel's fault-around, 64 kB per fault) stays mapped in the supervisor
// and counts in its RSS for the container's whole life. Those pages are
// clean copies of the executable and its libraries: dropping them from the
// page tables loses nothing, and the few the supervisor's loop needs again
// come back from the page cache on first touch.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct MemoryRegion {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
};

// From the text of /proc/self/smaps: the regions that are file-backed,
// private, not writable and hold no anonymous (copied-on-write) page, so
// that dropping them cannot lose a write (such as a relocation).
std::vector<MemoryRegion> clean_file_regions(std::string_view smaps);

// Drops the clean file-backed pages and returns freed heap to the kernel.
// Best effort: on failure *error says what was attempted.
bool release_startup_memory(std::string* error);

}  // namespace dbinit
