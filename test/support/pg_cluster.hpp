#pragma once
// A throwaway PostgreSQL cluster for integration tests, made by
// scripts/lib/pg-scratch as the scripts' and the Python tests' are: initdb
// in a temp dir as the postgres user (initdb refuses root), password
// authentication, a free loopback port, every statement logged; removed in
// the destructor, so a failing test cleans up too.
#include <string>
#include <vector>

namespace dbinit::test {

inline constexpr const char* superuser_password = "Sup3r-S3cret-pw";

int free_loopback_port();

class TempDir {
 public:
  // Under parent, or the system's temporary directory when empty.
  explicit TempDir(const std::string& prefix = "dbinit-test", const std::string& parent = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using Rows = std::vector<std::vector<std::string>>;

class PgCluster {
 public:
  // settings: lines of postgresql.conf, after the tests' own; port 0: a free one.
  explicit PgCluster(bool start_now = true, std::vector<std::string> settings = {}, int port = 0);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  void start();
  void stop();
  bool running() const { return running_; }
  int port() const { return port_; }
  // As the server sees it (inside its root, when it runs in one).
  const std::string& data_dir() const { return data_dir_; }
  // The cluster's directory as seen from here, which `pg-scratch start DIR`
  // takes (a test that starts it elsewhere: in a network namespace).
  const std::string& dir() const { return dir_; }

  // postgresql://postgres:<password>@127.0.0.1:<port>/<database>
  std::string url(const std::string& database = "postgres") const;
  // A new empty database, unique within this cluster.
  std::string create_database(const std::string& prefix = "t");
  Rows query(const std::string& sql, const std::string& database = "postgres") const;
  std::string scalar(const std::string& sql, const std::string& database = "postgres") const;

  // The server log; statements appear as "... [pid] app=<application_name> LOG:  statement: ...".
  std::string log() const;

 private:
  std::string dir_;
  std::string data_dir_;
  std::string log_path_;
  int port_;
  bool running_ = false;
  int databases_ = 0;
};

// scripts/lib/pg-scratch, the one program that makes, starts and removes
// throwaway clusters.
inline constexpr const char* pg_scratch = DBINIT_TEST_SOURCE_DIR "/../scripts/lib/pg-scratch";

// The server the integration tests run against: PostgreSQL 15, the
// machine's own, unless DBINIT_TEST_POSTGRES_VERSION names another, which
// runs inside the root DBINIT_TEST_POSTGRES_ROOT (scripts/postgres17-root).
struct ServerUnderTest {
  std::string version = "15";
  std::string root;  // empty: the machine's own
};
ServerUnderTest server_under_test();

// One cluster for the whole test program, started on first use and removed
// at exit; each case that needs state uses its own database.
PgCluster& shared_cluster();

}  // namespace dbinit::test
