# SPDX-License-Identifier: GPL-3.0-or-later
# RUNE_AGENT_ONLY: the build of rune-agent alone, without Qt, as the portable agent's build
# (cmake/portableagent.cmake) runs it with cmake/bullseyetoolchain.cmake. The libraries come from
# the sysroot (compiled for its glibc); Boost and nlohmann/json are header-only and come from
# RUNE_HOST_HEADERS, the console build's own folders, so both agents compile the same code.

find_package(Threads REQUIRED)

# Only boost/ and nlohmann/ of the build machine's include folders: the folder that holds them also
# holds that machine's glibc headers, which must not take the place of the sysroot's.
set(host_headers ${CMAKE_BINARY_DIR}/hostheaders)
foreach(name boost nlohmann)
  set(found "")
  foreach(dir IN LISTS RUNE_HOST_HEADERS)
    if(IS_DIRECTORY ${dir}/${name})
      set(found ${dir}/${name})
      break()
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "RUNE_HOST_HEADERS (${RUNE_HOST_HEADERS}) has no ${name}/ folder")
  endif()
  file(MAKE_DIRECTORY ${host_headers})
  file(CREATE_LINK ${found} ${host_headers}/${name} SYMBOLIC)
endforeach()
add_library(Boost::headers INTERFACE IMPORTED)
set_target_properties(Boost::headers PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${host_headers})
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${host_headers})

# gcc looks for the C library and its start files (crt1.o) first in the folders of its own
# installation, which are this machine's, and only then in the sysroot: -B and -L put the
# root's first, so the agent links against glibc 2.31 rather than this machine's.
if(CMAKE_SYSROOT)
  set(root_libraries ${CMAKE_SYSROOT}/usr/lib/x86_64-linux-gnu)
  # glibc 2.31 keeps threads and semaphores in libpthread (2.34 moved them into libc, so the
  # Threads check, run against this machine's libc, finds no flag needed).
  add_link_options(-B${root_libraries}/ -L${root_libraries} -L${CMAKE_SYSROOT}/lib/x86_64-linux-gnu -pthread)
endif()

include(cmake/buildspeed.cmake)
include(cmake/agentglibc.cmake)
add_subdirectory(remote-agent)
rune_unity_build(rune_agent_lib rune_protocol)
if(RUNE_PCH)
  target_precompile_headers(rune_agent_lib PRIVATE ${RUNE_AGENT_PCH})
endif()
