#pragma once
// --await-migrations: the app's replicas that must not migrate wait until
// another one (a Kubernetes Job, one init container) has. Such a process
// migrates nothing, creates nothing and takes no lock: it reads the history
// until it holds every migration of its set with matching checksums, then
// hands off. It hears of the migrating replica's commit at once through
// LISTEN (migrate notifies notify_channel() in the transaction that records
// a batch's last version, migrate/messages.hpp), and polls with short
// backoff as well, since a transaction pooler (PgBouncer, Neon's -pooler
// host) passes LISTEN on but not the notifications that follow it.
#include <optional>
#include <string>
#include <vector>

#include "migrate/plan.hpp"
#include "migrate/settings.hpp"
#include "migration_set/source.hpp"
#include "pg/session.hpp"

namespace dbinit {

enum class AwaitState {
  ready,    // every migration applied with its checksum (a database ahead too, unless strict)
  waiting,  // versions still missing, or one marked dirty while it is being applied
  refused,  // drift: a checksum mismatch, an unknown version, a newer database with --strict
};

struct AwaitCheck {
  AwaitState state = AwaitState::waiting;
  std::vector<long long> missing;       // waiting: the versions not applied yet
  std::optional<Refusal> refusal;       // refused: exit 6 and why
  std::vector<std::string> warnings;    // ready: a newer database, as migrate warns
};

// Pure: the set against the history read, decided by migrate's own plan.
AwaitCheck check_awaited(const std::vector<Migration>& migrations, const History& history, bool strict);

// Polling while awaiting: at most half a second apart, so that a replica
// behind a transaction pooler hands off within a second of the commit.
inline constexpr BackoffPolicy await_polling{Milliseconds(50), Milliseconds(500)};

// 0: hand off; 5: --lock-timeout passed with versions missing; 6: drift;
// 3: the database went away; 128+N for stop signal N.
int run_await_phase(const MigrateSettings& settings, const MigrationSet& set, Session& session);

}  // namespace dbinit
