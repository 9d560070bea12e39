#pragma once
// Runs a program the way a user would (dbinit, psql, pg_ctl) and captures
// what a user would see: exit code, signal, stdout, stderr, elapsed time.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dbinit::test {

using Milliseconds = std::chrono::milliseconds;

// What a sanitized build adds to the start and exit of a process on a busy
// machine (ASan mapping its shadow memory, LeakSanitizer scanning the heap
// at exit): up to about 3 s measured with ctest -j2 on 2 cores, where the
// same run of dbinit's own clock stayed on time. Upper bounds on a whole
// run's wall time add it; elsewhere it is zero and they stay tight.
#ifdef DBINIT_SANITIZED
inline constexpr Milliseconds sanitizer_overhead{3'000};
#else
inline constexpr Milliseconds sanitizer_overhead{0};
#endif

struct ProcessResult {
  int exit_code = -1;                // -1 when killed by a signal
  int signal = 0;                    // the signal that killed it, if any
  std::string out;
  std::string err;
  Milliseconds elapsed{0};
  bool timed_out = false;            // killed by the harness after its timeout
};

struct ProcessOptions {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // added to a cleaned environment
  bool inherit_environment = true;          // minus DBINIT_*, DATABASE_URL*, PG*
  Milliseconds timeout{60'000};
  std::string input;                        // written to stdin, then closed
};

class Process {
 public:
  explicit Process(const ProcessOptions& options);
  ~Process();  // kills the process if it is still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void send_signal(int signal_number) const;
  ProcessResult wait();

 private:
  ProcessOptions options_;
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::thread reader_;
  std::chrono::steady_clock::time_point started_;
  std::optional<ProcessResult> result_;
};

ProcessResult run(const ProcessOptions& options);

// dbinit from this build, with arguments and extra environment.
ProcessResult run_dbinit(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                         Milliseconds timeout = Milliseconds(60'000));
ProcessOptions dbinit_options(std::vector<std::string> args, std::map<std::string, std::string> env = {});

// A printable summary for failed assertions.
std::string describe(const ProcessResult& result);

}  // namespace dbinit::test
