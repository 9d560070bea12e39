# Fully static build of dbinit (-DDBINIT_STATIC=ON).
#
# Include from the top-level CMakeLists.txt after project() and before any
# find_package(). It
#   - makes find_package(Boost ...) and find_library() pick static archives;
#   - links every executable with -static (stripped with -s in Release and
#     MinSizeRel, unused sections dropped with --gc-sections);
#   - defines the target `dbinit_libpq`: a libpq built by
#     scripts/build-static-libpq (OpenSSL only, no GSSAPI/LDAP), plus the
#     archives libpq.a needs, in the order the linker needs them:
#       libpq.a libpgcommon_shlib.a libpgport_shlib.a libssl.a libcrypto.a
#       -pthread -ldl
#
# Cache variables:
#   DBINIT_STATIC_DEPS_DIR  where libpq/{include,lib} live
#                           (default ${CMAKE_BINARY_DIR}/static-deps); built at
#                           configure time when missing, which needs root and
#                           apt (Debian bookworm).
include_guard(GLOBAL)

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    message(FATAL_ERROR "DBINIT_STATIC=ON is supported on Linux (glibc) only")
endif()

set(DBINIT_STATIC_DEPS_DIR "${CMAKE_BINARY_DIR}/static-deps" CACHE PATH
    "Directory holding libpq/{include,lib} for the static build")

# --- static archives everywhere ---------------------------------------------
set(Boost_USE_STATIC_LIBS ON)
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(THREADS_PREFER_PTHREAD_FLAG ON)
# Any later find_library() must not settle for a shared object.
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")

# Every executable is fully static; -static on a shared library would be
# wrong, hence the generator expression on the target type.
set(DBINIT_STATIC_LINK_FLAGS
    "$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-static>"
    "$<$<CONFIG:Release,MinSizeRel>:-s>"
    "-Wl,--gc-sections")
add_link_options(${DBINIT_STATIC_LINK_FLAGS})
# Lets --gc-sections drop unused functions of our own code and of libpq
# (built with the same flags by scripts/build-static-libpq).
add_compile_options(-ffunction-sections -fdata-sections)
# The shipped binary optimizes dbinit's own code for size: it spends its
# time waiting on the network, and -Os instead of -O3 takes 0.5 MB off it
# (scripts/bench, "Binary size"). Given last, it wins over -O3.
add_compile_options($<$<CONFIG:Release,MinSizeRel>:-Os>)
# Link-time optimization of dbinit's own code: another 45 kB.
include(CheckIPOSupported)
check_ipo_supported(RESULT _dbinit_ipo OUTPUT _dbinit_ipo_why LANGUAGES CXX)
if(_dbinit_ipo)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION_RELEASE ON)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION_MINSIZEREL ON)
else()
    message(STATUS "Static build without link-time optimization: ${_dbinit_ipo_why}")
endif()

# The C libraries' unwind tables, dropped from copies of their archives:
# 0.45 MB of the binary, libcrypto's alone 0.40 MB. C++ exceptions in dbinit
# unwind through C++ frames only: no C library calls back into code that
# throws (libpq's notice processor, src/pg/connect.cpp, is noexcept), and
# glibc keeps its own tables (thread cancellation unwinds with them).
function(_dbinit_without_unwind_tables archive out_var)
    get_filename_component(_name "${archive}" NAME)
    set(_copy "${CMAKE_BINARY_DIR}/no-unwind-tables/${_name}")
    if(NOT EXISTS "${_copy}" OR "${archive}" IS_NEWER_THAN "${_copy}")
        file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/no-unwind-tables")
        execute_process(COMMAND "${CMAKE_OBJCOPY}" --remove-section=.eh_frame "${archive}" "${_copy}"
                        RESULT_VARIABLE _result ERROR_VARIABLE _complaint)
        if(NOT _result EQUAL 0)
            file(REMOVE "${_copy}")
            message(FATAL_ERROR "${CMAKE_OBJCOPY} could not copy ${archive} without unwind tables: ${_complaint}")
        endif()
    endif()
    set(${out_var} "${_copy}" PARENT_SCOPE)
endfunction()

# --- static libpq -------------------------------------------------------------
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

_dbinit_static_libpq_missing(_dbinit_missing)
if(_dbinit_missing)
    # The script installs into BUILD_DIR/static-deps/libpq.
    get_filename_component(_dbinit_deps_name "${DBINIT_STATIC_DEPS_DIR}" NAME)
    get_filename_component(_dbinit_deps_parent "${DBINIT_STATIC_DEPS_DIR}" DIRECTORY)
    set(_dbinit_script "${CMAKE_CURRENT_LIST_DIR}/../scripts/build-static-libpq")
    if(NOT _dbinit_deps_name STREQUAL "static-deps")
        message(FATAL_ERROR
            "Static libpq not found in ${_dbinit_libpq_dir} and cannot be built there: "
            "scripts/build-static-libpq installs into BUILD_DIR/static-deps/libpq, so "
            "DBINIT_STATIC_DEPS_DIR must end in 'static-deps'. Missing: ${_dbinit_missing}")
    endif()
    message(STATUS "Static libpq not found in ${_dbinit_libpq_dir}; building it")
    execute_process(
        COMMAND ${CMAKE_COMMAND} -E env "DBINIT_LIBPQ_HOST=${DBINIT_STATIC_LIBPQ_HOST}"
                "${_dbinit_script}" "${_dbinit_deps_parent}"
        RESULT_VARIABLE _dbinit_result)
    _dbinit_static_libpq_missing(_dbinit_missing)
    if(NOT _dbinit_result EQUAL 0 OR _dbinit_missing)
        message(FATAL_ERROR
            "Building the static libpq failed (scripts/build-static-libpq exited with "
            "'${_dbinit_result}'; see its output above). It needs root, apt-get and the "
            "Debian mirror. Run it by hand as root:\n"
            "  ${_dbinit_script} ${_dbinit_deps_parent}\n"
            "or point DBINIT_STATIC_DEPS_DIR at an existing static-deps directory, or "
            "configure without -DDBINIT_STATIC=ON.")
    endif()
endif()

find_package(OpenSSL REQUIRED)   # libssl.a / libcrypto.a from libssl-dev
find_package(Threads REQUIRED)
foreach(_dbinit_lib IN ITEMS "${OPENSSL_SSL_LIBRARY}" "${OPENSSL_CRYPTO_LIBRARY}")
    if(NOT _dbinit_lib MATCHES "\\.a$")
        message(FATAL_ERROR
            "OpenSSL resolved to ${_dbinit_lib}, not a static archive: install libssl-dev "
            "and use a fresh build directory (a cached dynamic configure is in the way)")
    endif()
endforeach()

_dbinit_without_unwind_tables("${OPENSSL_SSL_LIBRARY}" _dbinit_ssl_archive)
_dbinit_without_unwind_tables("${OPENSSL_CRYPTO_LIBRARY}" _dbinit_crypto_archive)
set_target_properties(OpenSSL::SSL PROPERTIES IMPORTED_LOCATION "${_dbinit_ssl_archive}")
set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION "${_dbinit_crypto_archive}")
foreach(_dbinit_name IN ITEMS libpq libpgcommon_shlib libpgport_shlib)
    _dbinit_without_unwind_tables("${_dbinit_libpq_dir}/lib/${_dbinit_name}.a" _dbinit_archive_${_dbinit_name})
endforeach()

# libpq.a does not carry src/common and src/port; OpenSSL's libcrypto.a wants
# -ldl (a stub since glibc 2.34, harmless) and threads.
add_library(dbinit::pgport STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::pgport PROPERTIES
    IMPORTED_LOCATION "${_dbinit_archive_libpgport_shlib}")

add_library(dbinit::pgcommon STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::pgcommon PROPERTIES
    IMPORTED_LOCATION "${_dbinit_archive_libpgcommon_shlib}"
    INTERFACE_LINK_LIBRARIES "dbinit::pgport")

add_library(dbinit::libpq_static STATIC IMPORTED GLOBAL)
set_target_properties(dbinit::libpq_static PROPERTIES
    IMPORTED_LOCATION "${_dbinit_archive_libpq}"
    INTERFACE_INCLUDE_DIRECTORIES "${_dbinit_libpq_dir}/include"
    INTERFACE_LINK_LIBRARIES
        "dbinit::pgcommon;dbinit::pgport;OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads;${CMAKE_DL_LIBS}")

# The name the rest of the build links against; in the dynamic build the
# top-level CMakeLists.txt defines it over PostgreSQL::PostgreSQL instead.
add_library(dbinit_libpq INTERFACE IMPORTED GLOBAL)
set_target_properties(dbinit_libpq PROPERTIES
    INTERFACE_LINK_LIBRARIES "dbinit::libpq_static")

set(_dbinit_libpq_version "unknown version")
if(EXISTS "${_dbinit_libpq_dir}/VERSION")
    file(READ "${_dbinit_libpq_dir}/VERSION" _dbinit_libpq_version LIMIT 64)
    string(STRIP "${_dbinit_libpq_version}" _dbinit_libpq_version)
endif()
message(STATUS "Static build: libpq ${_dbinit_libpq_version} from ${_dbinit_libpq_dir}")
