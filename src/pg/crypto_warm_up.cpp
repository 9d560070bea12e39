#include "pg/crypto_warm_up.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <atomic>
#include <memory>
#include <string_view>
#include <system_error>

namespace dbinit {

namespace {

// sslmode=prefer (libpq's default) is left out: against a server without
// TLS the context would be built for nothing.
bool will_use_tls(PGconn* connection) {
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfo(connection), PQconninfoFree);
  for (const PQconninfoOption* option = options.get(); option && option->keyword; ++option) {
    if (std::string_view(option->keyword) != "sslmode" || !option->val) continue;
    const std::string_view mode = option->val;
    return mode == "require" || mode == "verify-ca" || mode == "verify-full";
  }
  return false;
}

void warm_up_crypto(bool tls) {
  // Failures are harmless here: libpq meets them again, and reports them,
  // when it uses OpenSSL itself.
  //
  // No atexit handler: dbinit exits or execs the app once its session is
  // over, and OpenSSL freeing its tables at exit (about a million
  // instructions) would only delay that. The flags are libpq's own
  // otherwise (fe-secure-openssl.c).
  constexpr uint64_t flags = OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT;
  if (tls) {
    OPENSSL_init_ssl(flags, nullptr);
    // Fetches the ciphers, digests and groups a TLS context holds; libpq's
    // own context, made once the server agrees to TLS, then takes a fifth
    // of the time.
    SSL_CTX_free(SSL_CTX_new(TLS_client_method()));
  } else {
    OPENSSL_init_crypto(flags, nullptr);
  }
  // The first fetch indexes every digest of the provider; libpq's SCRAM
  // (HMAC and SHA-256 through EVP_sha256()) then finds SHA-256 in the cache.
  EVP_MD_free(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  // Instantiates the random generators libpq draws the SCRAM nonce from.
  unsigned char byte;
  RAND_bytes(&byte, 1);
}

}  // namespace

std::jthread start_crypto_warm_up(PGconn* connection) {
  // Once per process: a later attempt (a retry, a reconnect) finds OpenSSL
  // warm, and libpq does whatever is left of it.
  static std::atomic<bool> started = false;
  if (started.exchange(true)) return {};
  try {
    return std::jthread(warm_up_crypto, will_use_tls(connection));
  } catch (const std::system_error&) {
    return {};  // harmless: libpq does the work itself, later
  }
}

}  // namespace dbinit
