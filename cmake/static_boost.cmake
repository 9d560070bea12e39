# The static build's Boost.Log, Boost.Program_options and Boost.Thread,
# compiled from source (included by the top-level CMakeLists.txt when
# DBINIT_STATIC=ON, after find_package(Boost) has found the headers).
#
# Debian's static Boost archives were compiled without -ffunction-sections, so
# the linker takes each object file whole: wide-string parsers, every
# exception type of Boost.Log, its SSSE3/AVX2 hex dumpers, thread APIs dbinit
# never calls. Compiled here with dbinit's flags (-Os, function and data
# sections, link-time optimization), --gc-sections keeps only what is called:
# the binary is 0.41 MB smaller with the same code. The sources are Debian's
# boost1.74 source package, the version of the installed headers, fetched by
# scripts/fetch-boost-source into DBINIT_STATIC_DEPS_DIR/boost-src.
#
# Defines dbinit_boost_log and dbinit_boost_program_options, the names
# src/CMakeLists.txt links (the dynamic build defines them over Debian's
# shared libraries). Only the files dbinit's code reaches are compiled: a new
# use of a part not listed here fails the link naming the missing function,
# whose file then joins the list.
include_guard(GLOBAL)

set(_dbinit_boost_src "${DBINIT_STATIC_DEPS_DIR}/boost-src")
if(NOT EXISTS "${_dbinit_boost_src}/VERSION")
    get_filename_component(_dbinit_deps_name "${DBINIT_STATIC_DEPS_DIR}" NAME)
    get_filename_component(_dbinit_deps_parent "${DBINIT_STATIC_DEPS_DIR}" DIRECTORY)
    set(_dbinit_script "${CMAKE_CURRENT_LIST_DIR}/../scripts/fetch-boost-source")
    if(NOT _dbinit_deps_name STREQUAL "static-deps")
        message(FATAL_ERROR
            "Boost sources not found in ${_dbinit_boost_src} and cannot be fetched there: "
            "scripts/fetch-boost-source writes BUILD_DIR/static-deps/boost-src, so "
            "DBINIT_STATIC_DEPS_DIR must end in 'static-deps'.")
    endif()
    message(STATUS "Boost sources not found in ${_dbinit_boost_src}; fetching them")
    execute_process(COMMAND "${_dbinit_script}" "${_dbinit_deps_parent}"
                    RESULT_VARIABLE _dbinit_result)
    if(NOT _dbinit_result EQUAL 0 OR NOT EXISTS "${_dbinit_boost_src}/VERSION")
        message(FATAL_ERROR
            "Fetching the Boost sources failed (scripts/fetch-boost-source exited with "
            "'${_dbinit_result}'; see its output above). It needs root, apt-get and the "
            "Debian mirror. Run it by hand as root:\n"
            "  ${_dbinit_script} ${_dbinit_deps_parent}\n"
            "or configure without -DDBINIT_STATIC=ON.")
    endif()
endif()
file(READ "${_dbinit_boost_src}/VERSION" _dbinit_boost_version LIMIT 64)
string(STRIP "${_dbinit_boost_version}" _dbinit_boost_version)
message(STATUS "Static build: Boost.Log, Boost.Program_options, Boost.Thread from ${_dbinit_boost_version}")

# A static library of Boost sources: third-party code, so no warnings of ours;
# the definitions are those of the library's own Jamfile for a static,
# multi-threaded POSIX build (the v2s_mt_posix namespace the headers expect).
function(_dbinit_boost_library name dir)
    cmake_parse_arguments(ARG "" "" "FILES;DEFINITIONS;LINKS" ${ARGN})
    list(TRANSFORM ARG_FILES PREPEND "${_dbinit_boost_src}/${dir}/")
    add_library(${name} STATIC ${ARG_FILES})
    target_compile_options(${name} PRIVATE -w)
    target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
    target_include_directories(${name} PRIVATE "${_dbinit_boost_src}/${dir}")
    target_link_libraries(${name} PUBLIC Boost::headers ${ARG_LINKS})
endfunction()

_dbinit_boost_library(dbinit_boost_thread libs/thread/src/pthread
    FILES once.cpp thread.cpp
    DEFINITIONS BOOST_THREAD_BUILD_LIB=1 BOOST_THREAD_POSIX BOOST_THREAD_DONT_USE_CHRONO
    LINKS Threads::Threads)

# Without BOOST_LOG_USE_SSSE3/AVX2, dump.cpp keeps only its portable dumper
# (the same on arm64); dbinit never hex-dumps.
_dbinit_boost_library(dbinit_boost_log libs/log/src
    FILES attribute_name.cpp attribute_set.cpp attribute_value_set.cpp code_conversion.cpp
          core.cpp default_attribute_names.cpp default_sink.cpp dump.cpp exceptions.cpp
          once_block.cpp record_ostream.cpp severity_level.cpp thread_id.cpp thread_specific.cpp
    DEFINITIONS BOOST_LOG_BUILDING_THE_LIB=1 __STDC_CONSTANT_MACROS BOOST_SPIRIT_USE_PHOENIX_V3=1
                BOOST_THREAD_DONT_USE_CHRONO=1 BOOST_LOG_WITHOUT_IPC BOOST_LOG_WITHOUT_SYSLOG
                BOOST_LOG_WITHOUT_EVENT_LOG BOOST_LOG_HAS_PTHREAD_MUTEX_ROBUST
    LINKS dbinit_boost_thread)

_dbinit_boost_library(dbinit_boost_program_options libs/program_options/src
    FILES cmdline.cpp convert.cpp options_description.cpp positional_options.cpp
          utf8_codecvt_facet.cpp value_semantic.cpp variables_map.cpp)
