# The libpq every build links (-DDBINIT_STATIC or not): libpq 17, static,
# OpenSSL only, built by scripts/build-static-libpq from Debian 13's source
# (Debian 12's own libpq is 15, without sslnegotiation=direct, and its
# libpq.a needs GSSAPI/LDAP archives Debian does not ship). The dynamic
# build links it with the system's shared OpenSSL, the static one with
# libssl.a (cmake/static.cmake), so tests and release run the same libpq.
#
# Defines `dbinit_libpq`: libpq.a, then libpgcommon_shlib.a and
# libpgport_shlib.a (libpq.a does not carry src/common and src/port),
# OpenSSL, threads and -ldl, in the order the linker needs them.
#
# Cache variables:
#   DBINIT_STATIC_DEPS_DIR  where libpq/{include,lib} live
#                           (default ${CMAKE_BINARY_DIR}/static-deps); built at
#                           configure time when missing (a copy from the
#                           machine's cache after the first build), which
#                           the first time needs root and apt.
include_guard(GLOBAL)

set(DBINIT_STATIC_DEPS_DIR "${CMAKE_BINARY_DIR}/static-deps" CACHE PATH
    "Directory holding libpq/{include,lib} (and the static build's Boost sources)")

set(_dbinit_libpq_dir "${DBINIT_STATIC_DEPS_DIR}/libpq")
set(_dbinit_libpq_files
    "${_dbinit_libpq_dir}/lib/libpq.a"
    "${_dbinit_libpq_dir}/lib/libpgcommon_shlib.a"
    "${_dbinit_libpq_dir}/lib/libpgport_shlib.a"
    "${_dbinit_libpq_dir}/include/libpq-fe.h")

function(_dbinit_static_libpq_missing out_var)
    set(missing "")
    foreach(f IN LISTS _dbinit_libpq_files)
        if(NOT EXISTS "${f}")
            list(APPEND missing "${f}")
        endif()
    endforeach()
    set(${out_var} "${missing}" PARENT_SCOPE)
endfunction()

# The script at every configure: silent when the tree holds the build of its
# current inputs, a copy from the machine's cache or a build otherwise.
get_filename_component(_dbinit_deps_name "${DBINIT_STATIC_DEPS_DIR}" NAME)
get_filename_component(_dbinit_deps_parent "${DBINIT_STATIC_DEPS_DIR}" DIRECTORY)
set(_dbinit_script "${CMAKE_CURRENT_LIST_DIR}/../scripts/build-static-libpq")
if(NOT _dbinit_deps_name STREQUAL "static-deps")
    message(FATAL_ERROR
        "libpq cannot be built in ${_dbinit_libpq_dir}: scripts/build-static-libpq installs into "
        "BUILD_DIR/static-deps/libpq, so DBINIT_STATIC_DEPS_DIR must end in 'static-deps'.")
endif()
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env "DBINIT_LIBPQ_HOST=${DBINIT_STATIC_LIBPQ_HOST}"
            "${_dbinit_script}" "${_dbinit_deps_parent}"
    RESULT_VARIABLE _dbinit_result)
_dbinit_static_libpq_missing(_dbinit_missing)
if(NOT _dbinit_result EQUAL 0 OR _dbinit_missing)
    message(FATAL_ERROR
        "Building libpq failed (scripts/build-static-libpq exited with '${_dbinit_result}'; "
        "see its output above). The first build needs root, apt-get and the Debian mirror. "
        "Run it by hand as root:\n  ${_dbinit_script} ${_dbinit_deps_parent}")
endif()

find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

add_library(dbinit::pgport STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::pgport PROPERTIES
    IMPORTED_LOCATION "${_dbinit_libpq_dir}/lib/libpgport_shlib.a")

add_library(dbinit::pgcommon STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::pgcommon PROPERTIES
    IMPORTED_LOCATION "${_dbinit_libpq_dir}/lib/libpgcommon_shlib.a"
    INTERFACE_LINK_LIBRARIES "dbinit::pgport")

add_library(dbinit::libpq_static STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::libpq_static PROPERTIES
    IMPORTED_LOCATION "${_dbinit_libpq_dir}/lib/libpq.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_dbinit_libpq_dir}/include"
    INTERFACE_LINK_LIBRARIES
        "dbinit::pgcommon;dbinit::pgport;OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads;${CMAKE_DL_LIBS}")

add_library(dbinit_libpq INTERFACE IMPORTED GLOBAL)
set_target_properties(dbinit_libpq PROPERTIES INTERFACE_LINK_LIBRARIES "dbinit::libpq_static")

set(_dbinit_libpq_version "unknown version")
if(EXISTS "${_dbinit_libpq_dir}/VERSION")
    file(READ "${_dbinit_libpq_dir}/VERSION" _dbinit_libpq_version LIMIT 64)
    string(STRIP "${_dbinit_libpq_version}" _dbinit_libpq_version)
endif()
message(STATUS "libpq ${_dbinit_libpq_version} from ${_dbinit_libpq_dir}")
