#pragma once
// write(2) until all of data is written: short writes are continued and
// EINTR retried. false when the descriptor refused (errno says why).
#include <string_view>

namespace dbinit {

bool write_all(int fd, std::string_view data);

}  // namespace dbinit
