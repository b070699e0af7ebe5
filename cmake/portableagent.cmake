# SPDX-License-Identifier: GPL-3.0-or-later
# rune-agent-portable: the agent the console installs on nodes, built with this machine's compiler
# against a Debian 11 root (RUNE_PORTABLE_SYSROOT, made by installers/setup.sh), so it runs on
# glibc 2.31 and newer (cmake/agentglibc.cmake checks each link). Its own build directory
# (<build>/portable-agent), configured with RUNE_AGENT_ONLY: no Qt, and none of this build's flags
# (sanitizers, coverage) reach it. Optimised, stripped, without debug information.
if(NOT RUNE_PORTABLE_SYSROOT)
  return()
endif()
foreach(needed usr/include/stdio.h usr/lib/x86_64-linux-gnu/libc.so usr/include/linux/version.h)
  if(NOT EXISTS ${RUNE_PORTABLE_SYSROOT}/${needed})
    message(FATAL_ERROR "RUNE_PORTABLE_SYSROOT=${RUNE_PORTABLE_SYSROOT} has no ${needed}: "
                        "installers/setup.sh (as root) makes the Debian 11 root")
  endif()
endforeach()

include(ExternalProject)
# The portable agent compiles with g++ whatever this build uses (clang under the sanitizers).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(rune_portable_compiler ${CMAKE_CXX_COMPILER})
else()
  find_program(rune_portable_compiler NAMES g++ REQUIRED)
endif()
get_target_property(rune_boost_headers Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
get_target_property(rune_json_headers nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
set(rune_host_headers ${rune_boost_headers} ${rune_json_headers})
list(REMOVE_DUPLICATES rune_host_headers)
set(RUNE_PORTABLE_AGENT_DIR ${CMAKE_BINARY_DIR}/portable-agent)
set(RUNE_PORTABLE_AGENT ${RUNE_PORTABLE_AGENT_DIR}/remote-agent/rune-agent CACHE INTERNAL "the portable agent's file")
set(rune_portable_unity_flags "")
if(RUNE_UNITY)
  set(rune_portable_unity_flags " -Wno-maybe-uninitialized")
endif()
ExternalProject_Add(rune-agent-portable
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${RUNE_PORTABLE_AGENT_DIR}
  CMAKE_GENERATOR ${CMAKE_GENERATOR}
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/bullseyetoolchain.cmake
    -DRUNE_PORTABLE_SYSROOT=${RUNE_PORTABLE_SYSROOT}
    -DRUNE_AGENT_ONLY=ON
    -DCMAKE_CXX_COMPILER=${rune_portable_compiler}
    -DCMAKE_BUILD_TYPE=Release
    # In unity batches (as RUNE_UNITY says), which more than halves this build's time. At -O2 g++ 12
    # then inlines across a batch into maybe-uninitialized warnings about std::optional that are
    # false (GCC bug 80635), and -Werror would fail the build on them: that one warning is off here.
    # Every other build of the same sources keeps it, and the sanitizers check the real thing.
    "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG${rune_portable_unity_flags}"
    -DRUNE_STRIP_AGENT=ON
    -DRUNE_PCH=${RUNE_PCH}
    -DRUNE_UNITY=${RUNE_UNITY}
    -DRUNE_UNITY_BATCH_SIZE=${RUNE_UNITY_BATCH_SIZE}
  # Lists, kept whole this way (the launcher as given, before cmake/buildspeed.cmake wraps it).
  CMAKE_CACHE_ARGS
    -DRUNE_HOST_HEADERS:STRING=${rune_host_headers}
    -DCMAKE_CXX_COMPILER_LAUNCHER:STRING=$CACHE{CMAKE_CXX_COMPILER_LAUNCHER}
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target rune-agent
  BUILD_BYPRODUCTS ${RUNE_PORTABLE_AGENT}
  INSTALL_COMMAND ""
  # The sources are this project's: the sub-build decides what changed, every time.
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)
