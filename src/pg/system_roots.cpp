#include "pg/system_roots.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/unique_fd.hpp"
#include "log/log.hpp"
#include "pg/ca_bundle.hpp"

namespace dbinit {

namespace {

struct Pkcs7Free {
  void operator()(PKCS7* value) const { PKCS7_free(value); }
};
struct BioFree {
  void operator()(BIO* value) const { BIO_free(value); }
};
using Pkcs7 = std::unique_ptr<PKCS7, Pkcs7Free>;

Pkcs7 read_bundle() {
  const auto bundle = built_in_ca_bundle();
  const unsigned char* cursor = bundle.pkcs7_der.data();
  Pkcs7 parsed(d2i_PKCS7(nullptr, &cursor, static_cast<long>(bundle.pkcs7_der.size())));
  if (parsed && !PKCS7_type_is_signed(parsed.get())) parsed.reset();
  return parsed;
}

// The certificates of a signed PKCS#7 structure; null when it has none.
const STACK_OF(X509) * certificates_of(const Pkcs7& bundle) { return bundle ? bundle->d.sign->cert : nullptr; }

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

RootsFile make_roots_file() {
  RootsFile file;
  const Pkcs7 bundle = read_bundle();
  const auto* certificates = certificates_of(bundle);
  std::unique_ptr<BIO, BioFree> pem(BIO_new(BIO_s_mem()));
  if (!certificates || !pem) {
    file.error = "dbinit's built-in CA bundle is unreadable (a broken build)";
    return file;
  }
  for (int i = 0; i < sk_X509_num(certificates); ++i)
    if (PEM_write_bio_X509(pem.get(), sk_X509_value(certificates, i)) == 1) ++file.certificates;
  char* text = nullptr;
  const long size = BIO_get_mem_data(pem.get(), &text);

  // Close-on-exec: the command dbinit hands off to must not inherit it.
  // Sealed: nothing in the process can change the CAs once written.
  UniqueFd fd(memfd_create("dbinit-ca-bundle", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) {
    file.error = errno_text("cannot create the in-memory CA file (memfd_create)");
    return file;
  }
  for (long written = 0; written < size;) {
    const auto n = ::write(fd.get(), text + written, static_cast<std::size_t>(size - written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      file.error = errno_text("cannot write the in-memory CA file");
      return file;
    }
    written += n;
  }
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    file.error = errno_text("cannot seal the in-memory CA file");
    return file;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd.get());
  // libpq opens the file by name; the name exists only where /proc is mounted.
  if (::access(path.c_str(), R_OK) != 0) {
    file.error = "cannot open " + path + " (" + std::strerror(errno) +
                 "): /proc must be mounted for dbinit to hand its built-in CAs to libpq (container runtimes "
                 "mount it), or give sslrootcert the path of a CA file";
    return file;
  }
  file.path = path;
  file.descriptor = std::move(fd);
  return file;
}

}  // namespace

SystemRootsUse system_roots_use(const ConnInfo& parsed, const char* env_sslrootcert, const char* env_sslmode) {
  SystemRootsUse use;
  const auto rootcert = parsed.values.find("sslrootcert");
  use.wanted = rootcert != parsed.values.end() ? rootcert->second == "system"
                                               : env_sslrootcert && std::string_view(env_sslrootcert) == "system";
  if (!use.wanted) return use;
  std::optional<std::string> sslmode;
  std::string_view given_by = "the connection string";
  if (const auto mode = parsed.values.find("sslmode"); mode != parsed.values.end()) {
    sslmode = mode->second;
  } else if (env_sslmode && *env_sslmode) {
    sslmode = env_sslmode;
    given_by = "PGSSLMODE";
  }
  if (!sslmode) {
    use.set_verify_full = true;
  } else if (*sslmode != "verify-full") {
    use.refusal = "sslrootcert=system needs sslmode=verify-full (the default with it, as in PostgreSQL 16), but " +
                  std::string(given_by) + " sets sslmode=" + *sslmode;
  }
  return use;
}

const RootsFile& built_in_roots_file() {
  static const RootsFile file = make_roots_file();
  return file;
}

int built_in_root_count() {
  const Pkcs7 bundle = read_bundle();
  const auto* certificates = certificates_of(bundle);
  return certificates ? sk_X509_num(certificates) : 0;
}

std::optional<std::string> apply_system_roots(ConnectionTarget& target, const ConnInfo& parsed) {
  const auto use = system_roots_use(parsed, std::getenv("PGSSLROOTCERT"), std::getenv("PGSSLMODE"));
  if (!use.wanted) return std::nullopt;
  if (use.refusal) return use.refusal;
  const RootsFile& file = built_in_roots_file();
  if (!file.error.empty()) return "sslrootcert=system: " + file.error;
  // After the connection string, so they replace its "system".
  target.overrides.emplace_back("sslrootcert", file.path);
  if (use.set_verify_full) target.overrides.emplace_back("sslmode", "verify-full");
  log::info(log::Phase::wait, "verifying the server against dbinit's built-in CAs (sslrootcert=system)",
            {{"certificates", std::to_string(file.certificates)}, {"bundle", std::string(built_in_ca_bundle().origin)}});
  return std::nullopt;
}

}  // namespace dbinit
