#pragma once
// OpenSSL's first use in a process costs about 4 ms of CPU here: reading its
// configuration, indexing the default provider's algorithms, seeding its
// random generator and, for TLS, building its cipher tables. libpq pays it
// at the worst moment, once the server's answer is in (the SCRAM exchange's
// first message, the TLS handshake) and the server waits for the reply.
// Paid earlier, while the server forks a backend, it delays nothing.
#include <libpq-fe.h>

#include <functional>
#include <vector>

namespace dbinit {

// What libpq's first use of OpenSSL would do for `connection`, as steps of
// about a millisecond each, in the order libpq needs them: a TLS context
// when the connection will use TLS (sslmode require, verify-ca,
// verify-full), SHA-256 and random bytes (SCRAM). Harmless to repeat.
std::vector<std::function<void()>> crypto_warm_up(PGconn* connection);

}  // namespace dbinit
