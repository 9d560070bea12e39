#pragma once
// Text checks shared by the test files.
#include <string>

namespace dbinit::test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace dbinit::test
