# SPDX-License-Identifier: GPL-3.0-or-later
# The oldest glibc the agent the console installs on nodes runs on: Debian 11's, Ubuntu 20.04's.
# The portable agent's build fails when the linked file needs anything newer
# (cmake/checkagentglibc.cmake); the provisioner reads what a given agent file needs from the file
# itself (core/provision/elfglibc.h), so it never trusts a number that could be out of date.
set(RUNE_AGENT_GLIBC 2.31)

# Fails the build of @target when its file needs a glibc symbol newer than RUNE_AGENT_GLIBC or a
# shared library outside glibc, naming each; the file is removed so nothing ships it.
function(rune_check_agent_glibc target)
  if(NOT CMAKE_OBJDUMP)
    message(FATAL_ERROR "objdump (binutils) is needed to check what glibc ${target} needs")
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DAGENT=$<TARGET_FILE:${target}> -DOBJDUMP=${CMAKE_OBJDUMP}
            -DNEWEST=${RUNE_AGENT_GLIBC} -P ${PROJECT_SOURCE_DIR}/cmake/checkagentglibc.cmake
    COMMENT "Checking that ${target} needs glibc ${RUNE_AGENT_GLIBC} at most" VERBATIM)
endfunction()
