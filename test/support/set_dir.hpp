#pragma once
// A migration set written into a temporary directory of its own, for
// --migrations-dir; removed with the object.
#include <fstream>
#include <map>
#include <string>

#include "pg_cluster.hpp"

namespace dbinit::test {

class SetDir {
 public:
  using Files = std::map<std::string, std::string>;  // file name -> content

  explicit SetDir(const Files& files, const std::string& prefix = "dbinit-set") : dir_(prefix) {
    for (const auto& [name, content] : files) std::ofstream(dir_.path() + "/" + name) << content;
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

}  // namespace dbinit::test
