#include "pg_cluster.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "process.hpp"

namespace dbinit::test {

namespace fs = std::filesystem;

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

TempDir::TempDir(const std::string& prefix, const std::string& parent) {
  std::string pattern =
      ((parent.empty() ? fs::temp_directory_path() : fs::path(parent)) / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // best effort: a leftover temp dir is not worth failing a test
  fs::remove_all(path_, ignored);
}

ServerUnderTest server_under_test() {
  ServerUnderTest server;
  if (const char* version = std::getenv("DBINIT_TEST_POSTGRES_VERSION"); version && *version) server.version = version;
  if (const char* root = std::getenv("DBINIT_TEST_POSTGRES_ROOT"); root && *root) server.root = root;
  if (server.version != "15" && server.root.empty())
    throw std::runtime_error("DBINIT_TEST_POSTGRES_VERSION=" + server.version +
                             " needs DBINIT_TEST_POSTGRES_ROOT, the root holding it (scripts/postgres17-root)");
  if (!server.root.empty() && !fs::exists(server.root + "/usr/lib/postgresql/" + server.version + "/bin/postgres"))
    throw std::runtime_error("no PostgreSQL " + server.version + " in " + server.root + " (scripts/postgres17-root makes it)");
  return server;
}

std::string pg_bin(const std::string& tool) {
  return "/usr/lib/postgresql/" + server_under_test().version + "/bin/" + tool;
}

std::vector<std::string> as_postgres(std::vector<std::string> argv) {
  const ServerUnderTest server = server_under_test();
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  // Inside the root its own libraries, users and paths hold; the loopback
  // network is the machine's.
  if (!server.root.empty()) argv.insert(argv.begin(), {"chroot", server.root});
  return argv;
}

namespace {

void check(const ProcessResult& result, const std::string& what) {
  if (result.exit_code != 0) throw std::runtime_error(what + " failed: " + describe(result));
}

// The postgres user of the system the server runs in: the root's own, whose
// uid need not be the machine's.
void give_to_postgres(const std::string& path) {
  if (geteuid() != 0) return;
  const std::string root = server_under_test().root;
  std::unique_ptr<FILE, decltype(&std::fclose)> users(std::fopen((root + "/etc/passwd").c_str(), "r"), &std::fclose);
  const passwd* user = nullptr;
  while (users && (user = fgetpwent(users.get())) && std::string_view(user->pw_name) != "postgres") {
  }
  if (!user || ::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0)
    throw std::runtime_error("cannot hand " + path + " to the postgres user");
}

}  // namespace

// In a root, the cluster's directory is under its /tmp, and the server is
// given paths as it sees them.
PgCluster::PgCluster(bool start_now, std::vector<std::string> settings)
    : root_(server_under_test().root),
      dir_("dbinit-pg", root_.empty() ? "" : root_ + "/tmp"),
      inside_(dir_.path().substr(root_.size())),
      port_(free_loopback_port()) {
  data_dir_ = inside_ + "/data";
  log_path_ = dir_.path() + "/server.log";
  give_to_postgres(dir_.path());
  const std::string password_file = dir_.path() + "/pw";
  std::ofstream(password_file) << superuser_password << "\n";
  give_to_postgres(password_file);
  ProcessOptions initdb;
  initdb.argv = as_postgres({pg_bin("initdb"), "-D", data_dir_, "-U", "postgres", "--auth=scram-sha-256",
                             "--pwfile=" + inside_ + "/pw", "--no-sync", "-E", "UTF8", "--locale=C"});
  check(run(initdb), "initdb");
  std::ofstream conf(root_ + data_dir_ + "/postgresql.conf", std::ios::app);
  conf << "listen_addresses = '127.0.0.1'\n"
       << "port = " << port_ << "\n"
       << "unix_socket_directories = '" << inside_ << "'\n"
       // A root has no /dev/shm of its own.
       << (root_.empty() ? "" : "dynamic_shared_memory_type = mmap\n")
       << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
       << "max_connections = 200\n"
       << "log_statement = 'all'\n"
       << "log_line_prefix = '%m [%p] app=%a '\n";
  for (const auto& setting : settings) conf << setting << "\n";
  conf.close();
  if (start_now) start();
}

PgCluster::~PgCluster() {
  if (running_) {
    ProcessOptions stop;
    stop.argv = as_postgres({pg_bin("pg_ctl"), "-D", data_dir_, "-m", "immediate", "-w", "stop"});
    run(stop);
  }
}

void PgCluster::start() {
  ProcessOptions start;
  start.argv = as_postgres({pg_bin("pg_ctl"), "-D", data_dir_, "-l", inside_ + "/server.log", "-w", "-t", "60", "start"});
  check(run(start), "pg_ctl start");
  running_ = true;
}

void PgCluster::stop() {
  ProcessOptions stop;
  stop.argv = as_postgres({pg_bin("pg_ctl"), "-D", data_dir_, "-m", "fast", "-w", "stop"});
  check(run(stop), "pg_ctl stop");
  running_ = false;
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://postgres:" + std::string(superuser_password) + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

std::string PgCluster::create_database(const std::string& prefix) {
  const std::string name = prefix + "_" + std::to_string(++databases_);
  query("CREATE DATABASE " + name);
  return name;
}

Rows PgCluster::query(const std::string& sql, const std::string& database) const {
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(url(database).c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("test connection failed: ") + PQerrorMessage(connection.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    throw std::runtime_error("test query failed: " + sql + ": " + PQresultErrorMessage(result.get()));
  Rows rows;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    rows.emplace_back();
    for (int column = 0; column < PQnfields(result.get()); ++column)
      rows.back().emplace_back(PQgetisnull(result.get(), row, column) ? "NULL" : PQgetvalue(result.get(), row, column));
  }
  return rows;
}

std::string PgCluster::scalar(const std::string& sql, const std::string& database) const {
  const Rows rows = query(sql, database);
  if (rows.empty() || rows.front().empty()) throw std::runtime_error("no value from: " + sql);
  return rows.front().front();
}

std::string PgCluster::log() const {
  std::ifstream file(log_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

PgCluster& shared_cluster() {
  static PgCluster cluster;
  return cluster;
}

}  // namespace dbinit::test
