#pragma once
// A migration set attached to a copy of dbinit (`dbinit bundle DIR --output
// FILE`), so that users ship their own migrations without compiling.
//
// Where the set goes: appended after the executable's last byte. A marker
// compiled into dbinit's initialised data records whether a set is attached,
// its format version, where it starts, its length and its SHA-256; bundling
// patches the marker in the copy. At start dbinit reads the set back through
// /proc/self/exe. Because the marker lives inside the program image, a set
// that went missing (a truncated file, `strip`, which rewrites the ELF and
// drops bytes no section covers, or UPX, which packs the file) is noticed:
// the marker still says a set is attached, and dbinit refuses to start
// rather than fall back to its compiled-in set.
//
// Why not an ELF section the kernel maps at exec: adding one means
// rewriting section and program headers of a linked static binary (what
// objcopy does), which the running dbinit would have to do for every
// architecture it can bundle; appending needs no ELF editing, and the set is
// read once, at start, in one pread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration_set/set.hpp"

namespace dbinit {

inline constexpr std::uint64_t bundle_format = 1;

// The payload: per file, its name and content with their lengths
// (little-endian u32 name length, name, u64 content length, content).
std::string encode_payload(const std::vector<MigrationFile>& files);
// nullopt when the bytes are not a well-formed payload.
std::optional<std::vector<MigrationFile>> decode_payload(std::string_view payload);

struct AttachedSet {
  bool present = false;             // the marker says a set is attached
  std::vector<MigrationFile> files; // when present and intact
  std::string error;                // when present and not intact: one line
};

// The set this running binary carries, checked against its marker.
AttachedSet read_attached_set();

// Writes a copy of this running binary carrying `files` (any set it already
// carries replaced) to `output`, mode 0755, through a temporary file in the
// same directory renamed into place. Returns an error line, or "".
std::string write_bundle(const std::vector<MigrationFile>& files, const std::string& output);

}  // namespace dbinit
