# SPDX-License-Identifier: GPL-3.0-or-later
# This machine's compiler (C++23) against the glibc, kernel headers and static libraries of a
# Debian 11 root (RUNE_PORTABLE_SYSROOT): what it links runs on glibc 2.31 and newer. The compiler's
# own libstdc++ headers stay in use (they are not under the sysroot); cmake/portableagent.cmake.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_SYSROOT ${RUNE_PORTABLE_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The compiler checks' test projects read this file again; they need the root too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES RUNE_PORTABLE_SYSROOT)
