#pragma once
// Debian's PgBouncer in transaction mode in front of a test cluster: what
// Neon's pooled ("-pooler") host is.
#include <memory>
#include <string>

#include "pg_cluster.hpp"
#include "process.hpp"

namespace dbinit::test {

class PgBouncer {
 public:
  explicit PgBouncer(const PgCluster& cluster);
  ~PgBouncer();
  int port() const { return port_; }
  std::string url(const std::string& database) const;

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<Process> process_;
};

}  // namespace dbinit::test
