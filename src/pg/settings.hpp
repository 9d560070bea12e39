#pragma once
// Where the database is and how long to wait for it. Defaults here are the
// documented ones (config/options.cpp shows them in --help).
#include <string>

#include "core/backoff.hpp"

namespace dbinit {

// The documented defaults of --wait-timeout and --connect-timeout.
inline constexpr Milliseconds default_wait_timeout{60'000};
inline constexpr Milliseconds default_connect_timeout{5'000};

struct DatabaseSettings {
  std::string database_url;   // empty: libpq's defaults and PG* variables apply
  std::string migration_url;  // empty: derived from database_url (see pg/target.hpp)
  Milliseconds wait_timeout = default_wait_timeout;  // 0: wait forever
  Milliseconds connect_timeout = default_connect_timeout;
  BackoffPolicy backoff{Milliseconds(200), Milliseconds(5'000)};
  bool skip_wait = false;  // one connection attempt, no retries
  // A link that stops carrying packets (a NAT or cloud network dropping them,
  // no reset) is noticed within this, through TCP keepalives and
  // tcp_user_timeout; 0: the kernel's defaults (hours). Not a deadline on
  // statements: a live server answers keepalives during a long migration.
  Milliseconds dead_link_timeout{30'000};
};

}  // namespace dbinit
