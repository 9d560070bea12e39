#pragma once
// The CAs built into dbinit for sslrootcert=system (cmake/embed_ca_bundle.cmake
// generates the definition from the build machine's ca-certificates).
#include <cstddef>
#include <span>
#include <string_view>

namespace dbinit {

struct CaBundle {
  std::span<const unsigned char> pkcs7_der;  // every certificate, one PKCS#7 structure
  std::string_view origin;                   // "Debian ca-certificates 20230311+deb12u1"
};

CaBundle built_in_ca_bundle();

}  // namespace dbinit
