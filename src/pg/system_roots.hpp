#pragma once
// sslrootcert=system, as PostgreSQL 16's libpq means it: verify the server
// against a trusted set of public CAs, with sslmode verify-full. libpq 17
// takes the value but reads OpenSSL's default CA paths, and a FROM-scratch
// image has no CA file there, so dbinit carries the CAs (pg/ca_bundle.hpp)
// and hands libpq a file that exists only in memory: /proc/self/fd/N of a
// sealed memfd.
#include <optional>
#include <string>

#include "core/unique_fd.hpp"
#include "pg/conninfo.hpp"
#include "pg/target.hpp"

namespace dbinit {

// What a connection string (then PGSSLROOTCERT and PGSSLMODE, which libpq
// reads for what the string leaves out) asks of dbinit.
struct SystemRootsUse {
  bool wanted = false;                        // sslrootcert=system
  bool set_verify_full = false;               // no sslmode given: verify-full, as PostgreSQL 16 does
  std::optional<std::string> refusal;         // a weaker sslmode given with it
};
SystemRootsUse system_roots_use(const ConnInfo& parsed, const char* env_sslrootcert, const char* env_sslmode);

// The built-in CAs as a PEM file libpq can open: its path, or why not. Made
// once per process; the descriptor is close-on-exec, so the command dbinit
// hands off to never sees it.
struct RootsFile {
  UniqueFd descriptor;  // kept open for the process's life: every reconnection opens `path` again
  std::string path;
  std::string error;
  int certificates = 0;
};
const RootsFile& built_in_roots_file();

// How many certificates the built-in bundle holds (0: it is unreadable).
int built_in_root_count();

// Points `target` at the built-in CAs when its connection string (`parsed`,
// read once by the caller) asks for sslrootcert=system; the reason when it
// cannot (a weak sslmode, no /proc).
std::optional<std::string> apply_system_roots(ConnectionTarget& target, const ConnInfo& parsed);

}  // namespace dbinit
