#include "pg_cluster.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
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

namespace {

ProcessResult pg_scratch_run(std::vector<std::string> arguments) {
  ProcessOptions options;
  options.argv = {pg_scratch};
  options.argv.insert(options.argv.end(), arguments.begin(), arguments.end());
  return run(options);
}

void check(const ProcessResult& result, const std::string& what) {
  if (result.exit_code != 0) throw std::runtime_error(what + " failed: " + describe(result));
}

}  // namespace

PgCluster::PgCluster(bool start_now, std::vector<std::string> settings, int port)
    : port_(port != 0 ? port : free_loopback_port()) {
  const ServerUnderTest server = server_under_test();
  std::vector<std::string> arguments = {
      "new", "--version", server.version, "--password", superuser_password, "--port", std::to_string(port_),
      // Throwaway data: durability would only slow the tests down.
      "--set", "fsync = off", "--set", "synchronous_commit = off", "--set", "full_page_writes = off",
      "--set", "max_connections = 200",
      // So that a test can count what dbinit sent.
      "--set", "log_statement = 'all'", "--set", "log_line_prefix = '%m [%p] app=%a '"};
  if (!server.root.empty()) arguments.insert(arguments.end(), {"--root", server.root});
  for (auto& setting : settings) arguments.insert(arguments.end(), {"--set", std::move(setting)});
  // Made and started by one run of pg-scratch: the tests make many.
  if (!start_now) arguments.push_back("--no-start");
  const ProcessResult made = pg_scratch_run(std::move(arguments));
  check(made, "pg-scratch new");
  std::istringstream lines(made.out);
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    const std::string key = line.substr(0, equals), value = line.substr(equals + 1);
    if (key == "dir") dir_ = value;
    if (key == "data") data_dir_ = value;
    if (key == "log") log_path_ = value;
  }
  if (dir_.empty() || data_dir_.empty() || log_path_.empty())
    throw std::runtime_error("pg-scratch new printed no dir, data or log: " + describe(made));
  running_ = start_now;
}

PgCluster::~PgCluster() {
  pg_scratch_run({"remove", dir_});  // best effort: a destructor does not throw
}

void PgCluster::start() {
  check(pg_scratch_run({"start", dir_}), "pg-scratch start");
  running_ = true;
}

void PgCluster::stop() {
  check(pg_scratch_run({"stop", dir_}), "pg-scratch stop");
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
