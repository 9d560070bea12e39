#pragma once
// Where the database is and how long to wait for it. Defaults here are the
// documented ones (config/options.cpp shows them in --help).
#include <string>

#include "core/backoff.hpp"

namespace dbinit {

struct DatabaseSettings {
  std::string database_url;   // empty: libpq's defaults and PG* variables apply
  std::string migration_url;  // empty: derived from database_url (see pg/target.hpp)
  Milliseconds wait_timeout{60'000};  // 0: wait forever
  Milliseconds connect_timeout{5'000};
  BackoffPolicy backoff{Milliseconds(200), Milliseconds(5'000)};
  bool skip_wait = false;  // one connection attempt, no retries
};

}  // namespace dbinit
