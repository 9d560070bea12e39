#include "pgbouncer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace dbinit::test {

namespace {

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

PgBouncer::PgBouncer(const PgCluster& cluster) : dir_("dbinit-pgbouncer"), port_(free_loopback_port()) {
  const std::string config = dir_.path() + "/pgbouncer.ini";
  std::ofstream(dir_.path() + "/userlist.txt") << "\"postgres\" \"\"\n";
  std::ofstream(config) << "[databases]\n* = host=127.0.0.1 port=" << cluster.port()
                        << " user=postgres password=" << superuser_password << "\n"
                        << "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " << port_ << "\n"
                        << "unix_socket_dir =\nauth_type = trust\nauth_file = " << dir_.path() << "/userlist.txt\n"
                        << "pool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = 10\n"
                        << "ignore_startup_parameters = extra_float_digits\n";
  if (geteuid() == 0 && ::chmod(dir_.path().c_str(), 0755) != 0) throw std::runtime_error("chmod pgbouncer dir");
  ProcessOptions options;
  // pgbouncer refuses to run as root; -u drops to the postgres user itself,
  // so signals reach pgbouncer directly.
  options.argv = {"/usr/sbin/pgbouncer", config};
  if (geteuid() == 0) options.argv.insert(options.argv.begin() + 1, {"-u", "postgres"});
  options.timeout = Milliseconds(3'600'000);
  process_ = std::make_unique<Process>(options);
  for (int i = 0; i < 200 && !accepts_connections(port_); ++i) std::this_thread::sleep_for(Milliseconds(25));
  if (!accepts_connections(port_)) throw std::runtime_error("pgbouncer did not start: " + describe(process_->wait()));
}

PgBouncer::~PgBouncer() {
  process_->send_signal(SIGINT);  // immediate shutdown
  process_->wait();
}

std::string PgBouncer::url(const std::string& database) const {
  return "postgresql://postgres:any-password-trust@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

}  // namespace dbinit::test
