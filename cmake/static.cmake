# Fully static build of dbinit (-DDBINIT_STATIC=ON).
#
# Include from the top-level CMakeLists.txt after project() and before any
# find_package(). It
#   - makes find_package(Boost ...) and find_library() pick static archives;
#   - links every executable with -static (stripped with -s in Release and
#     MinSizeRel, unused sections dropped with --gc-sections);
#   - links libpq (cmake/libpq.cmake, as every build does) and OpenSSL
#     from static archives, copied without their unwind tables (below).
include_guard(GLOBAL)

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    message(FATAL_ERROR "DBINIT_STATIC=ON is supported on Linux (glibc) only")
endif()

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
# Reproducible: the same commit builds the same bytes in any directory.
# Paths that reach the binary (__FILE__ in assertions, LTO's objects) are
# written relative to the source and build trees; the build tree's mapping,
# given last, wins for the trees inside the source tree. A link map per
# program records which archive members went in: the release's notices and
# SBOMs are made from it (scripts/release-notices).
add_compile_options("-ffile-prefix-map=${CMAKE_SOURCE_DIR}=." "-ffile-prefix-map=${CMAKE_BINARY_DIR}=build")
add_link_options("-ffile-prefix-map=${CMAKE_SOURCE_DIR}=." "-ffile-prefix-map=${CMAKE_BINARY_DIR}=build"
    "$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:LINKER:-Map=${CMAKE_BINARY_DIR}/$<TARGET_PROPERTY:NAME>.map>")
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

# --- libpq and OpenSSL, without unwind tables -------------------------------------
include(${CMAKE_CURRENT_LIST_DIR}/libpq.cmake)
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
foreach(_dbinit_target IN ITEMS dbinit::libpq_static dbinit::pgcommon dbinit::pgport)
    get_target_property(_dbinit_archive ${_dbinit_target} IMPORTED_LOCATION)
    _dbinit_without_unwind_tables("${_dbinit_archive}" _dbinit_copy)
    set_target_properties(${_dbinit_target} PROPERTIES IMPORTED_LOCATION "${_dbinit_copy}")
endforeach()
