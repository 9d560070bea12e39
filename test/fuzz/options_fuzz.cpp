// Options and environment: NUL-separated entries; NAME=value entries whose
// name is upper case go to the environment, the rest are arguments. Whatever
// comes in, the outcome is a config, or help, or one error line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args{"dbinit"}, env;
  std::size_t start = 0;
  while (start <= input.size()) {
    auto end = input.find('\0', start);
    if (end == std::string::npos) end = input.size();
    std::string entry = input.substr(start, end - start);
    const auto equals = entry.find('=');
    const bool is_env = equals != std::string::npos && equals > 0 &&
                        entry.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") >= equals;
    (is_env ? env : args).push_back(std::move(entry));
    start = end + 1;
  }
  const auto outcome = dbinit::parse_options(args, env);
  if (!outcome.config && outcome.output.empty() && outcome.error.empty()) std::abort();  // no word for the user
  if (outcome.error.find('\n') != std::string::npos) std::abort();                       // one line, always
  return 0;
}
