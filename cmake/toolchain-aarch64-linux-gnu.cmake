# Cross-compiling dbinit for arm64 (Linux, glibc) on Debian with the
# aarch64 cross toolchain (g++-aarch64-linux-gnu) and arm64 libraries
# installed through dpkg multiarch (libboost-*-dev:arm64, libssl-dev:arm64):
#
#   cmake -S . -B build-release-arm64 --toolchain cmake/toolchain-aarch64-linux-gnu.cmake -DDBINIT_STATIC=ON ...
#
# Programs the build runs (the check of the compiled-in migrations) run
# under qemu-user (qemu-user-static).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: libraries and package configs under /usr/lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config (which FindOpenSSL asks first) must describe arm64 libraries.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(OPENSSL_ROOT_DIR /usr)
set(OPENSSL_CRYPTO_LIBRARY /usr/lib/aarch64-linux-gnu/libcrypto.a CACHE FILEPATH "arm64 libcrypto")
set(OPENSSL_SSL_LIBRARY /usr/lib/aarch64-linux-gnu/libssl.a CACHE FILEPATH "arm64 libssl")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
# scripts/build-static-libpq builds libpq for this triple.
set(DBINIT_STATIC_LIBPQ_HOST aarch64-linux-gnu)
# scripts/libpg-query-17 builds libpg_query (dbinit-lint's parser) for it too.
set(DBINIT_PG_QUERY_HOST aarch64-linux-gnu)
