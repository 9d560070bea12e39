#include "migrate/lock.hpp"

#include <cstring>

#include "migration_set/checksum.hpp"

namespace dbinit {

std::int64_t lock_key(const HistoryTable& table) {
  const std::string digest = sha256_hex("dbinit:" + table.name);
  const std::uint64_t bits = std::stoull(digest.substr(0, 16), nullptr, 16);
  std::int64_t key;
  std::memcpy(&key, &bits, sizeof key);
  return key;
}

bool is_table_lock_conflict(std::string_view sqlstate) {
  return sqlstate == "55P03" /* lock_not_available */ || sqlstate == "40P01" /* deadlock_detected */;
}

LockWait::Busy LockWait::busy(Clock::time_point now) {
  if (!waiting_) {
    waiting_ = true;
    since_ = now;
    last_report_ = Clock::time_point{};
  }
  Busy busy;
  busy.waited = std::chrono::duration_cast<Milliseconds>(now - since_);
  busy.give_up = busy.waited >= timeout_;
  busy.report_holder = busy.give_up || last_report_ == Clock::time_point{} || now - last_report_ >= lock_holder_report_interval;
  if (busy.report_holder) last_report_ = now;
  busy.delay_cap = busy.give_up ? Milliseconds(0) : timeout_ - busy.waited;
  return busy;
}

}  // namespace dbinit
