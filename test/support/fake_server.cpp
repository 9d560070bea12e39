#include "fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace dbinit::test {

namespace {

constexpr std::uint32_t ssl_request_code = 80877103;
constexpr std::uint32_t gss_request_code = 80877104;

bool read_exact(int fd, void* buffer, std::size_t size) {
  auto* bytes = static_cast<char*>(buffer);
  while (size > 0) {
    const auto n = ::read(fd, bytes, size);
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one startup-phase packet: int32 length (self-inclusive), int32 code, rest.
bool read_startup_code(int fd, std::uint32_t& code) {
  std::uint32_t length = 0;
  if (!read_exact(fd, &length, 4)) return false;
  length = ntohl(length);
  if (length < 8 || length > 10'000) return false;
  std::string body(length - 4, '\0');
  if (!read_exact(fd, body.data(), body.size())) return false;
  code = ntohl(*reinterpret_cast<const std::uint32_t*>(body.data()));
  return true;
}

std::string error_response(const std::string& message, const std::string& sqlstate) {
  std::string fields;
  for (const auto& [type, value] : {std::pair{'S', std::string("FATAL")}, {'V', std::string("FATAL")},
                                    {'C', sqlstate}, {'M', message}}) {
    fields += type;
    fields += value;
    fields += '\0';
  }
  fields += '\0';
  const std::uint32_t length = htonl(static_cast<std::uint32_t>(fields.size() + 4));
  return "E" + std::string(reinterpret_cast<const char*>(&length), 4) + fields;
}

}  // namespace

FakeServer::FakeServer(std::string message, std::string sqlstate)
    : message_(std::move(message)), sqlstate_(std::move(sqlstate)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("fake server cannot listen");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeServer::~FakeServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string FakeServer::url() const {
  return "postgresql://app:Fake-Pa55word@127.0.0.1:" + std::to_string(port_) + "/app?sslmode=prefer";
}

void FakeServer::serve() {
  while (!stopping_) {
    pollfd watch{listen_fd_, POLLIN, 0};
    if (::poll(&watch, 1, 50) <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    std::uint32_t code = 0;
    // Refuse TLS and GSS encryption as a plain server does, then answer the startup message.
    while (read_startup_code(client, code) && (code == ssl_request_code || code == gss_request_code))
      // send(MSG_NOSIGNAL), not write(): a client that has given up and
      // closed would otherwise kill the test with SIGPIPE (seen in CI).
      if (::send(client, "N", 1, MSG_NOSIGNAL) != 1) break;
    const std::string reply = error_response(message_, sqlstate_);
    [[maybe_unused]] auto written = ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(client);
  }
}

}  // namespace dbinit::test
