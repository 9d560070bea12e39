#pragma once
// What the resident supervisor is told: whether to supervise at all, how to
// forward signals, how long leftovers get to stop. Defaults here are the
// documented ones (config/options.cpp shows them in --help).
#include <vector>

#include "core/clock.hpp"

namespace dbinit {

enum class Mode { automatic, supervise, exec };

struct SignalMapping {
  int from;
  int to;
};

struct SuperviseSettings {
  Mode mode = Mode::automatic;
  bool signal_group = false;
  Milliseconds stop_grace{5'000};
  std::vector<SignalMapping> signal_map;
};

}  // namespace dbinit
