# libpg_query 17: PostgreSQL 17's parser as a static library, which
# dbinit-lint links (src/lint) in every build: the default one, the
# sanitized and fuzz builds, and the release for amd64 and arm64. Debian 12
# packages libpg_query 15 only, whose grammar refuses PostgreSQL 16's and
# 17's syntax; scripts/libpg-query-17 compiles 17 once per machine from
# Debian 13's source (cached under /var/cache/dbinit/libpg-query/), for the
# triple DBINIT_PG_QUERY_HOST names when cross-compiling (a variable
# cmake/toolchain-aarch64-linux-gnu.cmake sets).
#
# Defines `dbinit_pg_query`: the library (protobuf-c's runtime inside it),
# pg_query.h, and the parse tree's C structs (pg_query/pg_query.pb-c.h with
# protobuf-c/protobuf-c.h).
#
# Cache variables:
#   DBINIT_PG_QUERY_DIR  a libpg_query 17 laid out as the script makes it
#                        (include/, lib/); empty: the script's, made at
#                        configure time when missing (needs root and apt
#                        the first time).
include_guard(GLOBAL)

set(DBINIT_PG_QUERY_DIR "" CACHE PATH "libpg_query 17 (include/pg_query.h, lib/libpg_query.a); empty: scripts/libpg-query-17")

set(_dbinit_pg_query_dir "${DBINIT_PG_QUERY_DIR}")
if(NOT _dbinit_pg_query_dir)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env "DBINIT_PG_QUERY_HOST=${DBINIT_PG_QUERY_HOST}"
            "${CMAKE_CURRENT_LIST_DIR}/../scripts/libpg-query-17"
    OUTPUT_VARIABLE _dbinit_pg_query_dir
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _dbinit_result)
  if(NOT _dbinit_result EQUAL 0)
    message(FATAL_ERROR "Building libpg_query 17 failed (scripts/libpg-query-17 exited with '${_dbinit_result}'; "
                        "see its output above). The first build needs root, apt-get and the Debian mirror; "
                        "-DDBINIT_LINT=OFF builds dbinit without dbinit-lint.")
  endif()
endif()
foreach(_dbinit_file lib/libpg_query.a include/pg_query.h include/pg_query/pg_query.pb-c.h
                     include/protobuf-c/protobuf-c.h)
  if(NOT EXISTS "${_dbinit_pg_query_dir}/${_dbinit_file}")
    message(FATAL_ERROR "libpg_query 17 in '${_dbinit_pg_query_dir}' has no ${_dbinit_file}")
  endif()
endforeach()

find_package(Threads REQUIRED)
add_library(dbinit_pg_query INTERFACE IMPORTED GLOBAL)
set_target_properties(dbinit_pg_query PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_dbinit_pg_query_dir}/include"
  INTERFACE_LINK_LIBRARIES "${_dbinit_pg_query_dir}/lib/libpg_query.a;Threads::Threads")
file(READ "${_dbinit_pg_query_dir}/SOURCES" _dbinit_pg_query_sources LIMIT 200)
string(REGEX MATCH "library: [^\n]*" _dbinit_pg_query_sources "${_dbinit_pg_query_sources}")
message(STATUS "libpg_query from ${_dbinit_pg_query_dir}: ${_dbinit_pg_query_sources}")
