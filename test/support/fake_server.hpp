#pragma once
// A stand-in for Neon's proxy (or any server) that answers every startup
// message with one chosen ErrorResponse, to show how dbinit classifies it.
#include <atomic>
#include <string>
#include <thread>

namespace dbinit::test {

class FakeServer {
 public:
  FakeServer(std::string message, std::string sqlstate = "XX000");
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_; }
  std::string url() const;

 private:
  void serve();

  std::string message_, sqlstate_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace dbinit::test
