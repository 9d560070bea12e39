#include "pg/crypto_warm_up.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <memory>
#include <string_view>

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

}  // namespace

std::vector<std::function<void()>> crypto_warm_up(PGconn* connection) {
  // Failures are harmless here: libpq meets them again, and reports them,
  // when it uses OpenSSL itself.
  const bool tls = will_use_tls(connection);
  auto start = [tls] {
    // No atexit handler: dbinit exits or execs the app once its session is
    // over, and OpenSSL freeing its tables at exit (about a million
    // instructions) would only delay that. The flags are libpq's own
    // otherwise (fe-secure-openssl.c).
    constexpr uint64_t flags = OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT;
    if (!tls) {
      OPENSSL_init_crypto(flags, nullptr);
      return;
    }
    OPENSSL_init_ssl(flags, nullptr);
    // Fetches the ciphers, digests and groups a TLS context holds; libpq's
    // own context, made once the server agrees to TLS, then takes a fifth
    // of the time.
    SSL_CTX_free(SSL_CTX_new(TLS_client_method()));
  };
  // The first fetch indexes every digest of the provider; libpq's SCRAM
  // (HMAC and SHA-256 through EVP_sha256()) then finds SHA-256 in the cache.
  auto digest = [] { EVP_MD_free(EVP_MD_fetch(nullptr, "SHA256", nullptr)); };
  // Instantiates the random generators libpq draws the SCRAM nonce from.
  auto random = [] {
    unsigned char byte;
    RAND_bytes(&byte, 1);
  };
  return {start, digest, random};
}

}  // namespace dbinit
