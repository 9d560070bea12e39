#pragma once
// Migration checksums: SHA-256 (OpenSSL, already linked through libpq) of the
// file with a UTF-8 BOM removed and CRLF normalised to LF, so a checkout on
// Windows or an editor adding a BOM never looks like a changed migration.
#include <string>
#include <string_view>

namespace dbinit {

std::string normalize_line_endings(std::string_view text);
std::string sha256_hex(std::string_view data);
std::string migration_checksum(std::string_view file_content);

}  // namespace dbinit
