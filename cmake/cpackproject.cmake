# SPDX-License-Identifier: GPL-3.0-or-later
# Read by cpack (CPACK_PROJECT_CONFIG_FILE, cmake/packages.cmake) as it makes the packages. The agent
# package depends on the glibc its file needs, read from the file by the check its build runs
# (dpkg-shlibdeps would name this machine's newer glibc, as the agent links libpthread and libdl).
set(AGENT ${CPACK_RUNE_PORTABLE_AGENT})
set(OBJDUMP ${CPACK_RUNE_OBJDUMP})
set(NEWEST ${CPACK_RUNE_AGENT_GLIBC})
include(${CPACK_RUNE_SOURCE_DIR}/cmake/checkagentglibc.cmake)
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "libc6 (>= ${newest_seen}), ${CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS}")
