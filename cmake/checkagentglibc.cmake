# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DAGENT=<file> -DOBJDUMP=<objdump> -DNEWEST=2.31 -P checkagentglibc.cmake
# Fails (and removes AGENT) when a dynamic symbol of AGENT needs a glibc version newer than NEWEST
# or AGENT needs a shared library that is not part of glibc. Prints each offending symbol.

execute_process(COMMAND ${OBJDUMP} -T -p ${AGENT} OUTPUT_VARIABLE dump RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${OBJDUMP} could not read ${AGENT}")
endif()
string(REPLACE "\n" ";" lines "${dump}")

set(problems "")
set(newest_seen 0)
foreach(line IN LISTS lines)
  # "  NEEDED               libc.so.6" (objdump -p)
  if(line MATCHES "^ +NEEDED +([^ ]+)$")
    set(library ${CMAKE_MATCH_1})
    if(NOT library MATCHES "^(libc\\.so\\.6|libm\\.so\\.6|libpthread\\.so\\.0|libdl\\.so\\.2|librt\\.so\\.1|ld-linux.*)$")
      list(APPEND problems "needs ${library}, which is not part of glibc")
    endif()
  # "0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) pthread_create" (objdump -T);
  # older binutils print the version without parentheses.
  elseif(line MATCHES "[ (]GLIBC_([0-9]+\\.[0-9]+(\\.[0-9]+)?)\\)? +([^ ]+)$")
    set(version ${CMAKE_MATCH_1})
    set(symbol ${CMAKE_MATCH_3})
    if(version VERSION_GREATER newest_seen)
      set(newest_seen ${version})
    endif()
    if(version VERSION_GREATER NEWEST)
      list(APPEND problems "${symbol} needs GLIBC_${version}")
    endif()
  endif()
endforeach()

if(newest_seen VERSION_EQUAL 0)
  list(APPEND problems "no glibc symbol version found (is it dynamically linked against glibc?)")
endif()
if(problems)
  file(REMOVE ${AGENT})
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "${AGENT} must run on glibc ${NEWEST} but:\n  ${text}\n(removed it)")
endif()
message(STATUS "${AGENT}: needs glibc ${newest_seen} at most (allowed: ${NEWEST})")
