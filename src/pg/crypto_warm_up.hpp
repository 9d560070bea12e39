#pragma once
// OpenSSL's first use in a process costs about 4 ms of CPU here: reading its
// configuration, indexing the default provider's algorithms, seeding its
// random generator and, for TLS, building its cipher tables. libpq pays it
// at the worst moment, once the server's answer is in (the SCRAM exchange's
// first message, the TLS handshake) and the server waits for the reply.
// Paid earlier, on a thread of its own while the server forks a backend, it
// delays nothing.
#include <libpq-fe.h>

#include <thread>

namespace dbinit {

// Starts, on a thread of its own, what libpq's first use of OpenSSL would do
// for `connection`: SHA-256 and random bytes (SCRAM) and, when it uses TLS
// whatever the server says (sslmode require, verify-ca, verify-full), a TLS
// context. OpenSSL's initialization is thread-safe: libpq, if it gets there
// first, waits for the part under way instead of doing it twice. The thread
// is joined when the result is destroyed. None is started after the first
// call in a process, or when the system refuses one: libpq then does what
// is left itself.
std::jthread start_crypto_warm_up(PGconn* connection);

}  // namespace dbinit
