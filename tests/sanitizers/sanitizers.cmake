# SPDX-License-Identifier: GPL-3.0-or-later
# How the tests of a RUNE_SANITIZE build run: every sanitized process a test starts (the test
# itself, the agents it starts, the console core in it) writes its reports to
# <build>/sanitizer-reports/<test>.<pid>, symbolized. The agent's own output is not shown by the
# tests, so a report on stderr would be lost; a file is not. The last test, sanitizer_reports,
# prints every report and fails if there is one, whichever process wrote it.

# The symbolizer of the compiler's own LLVM first: it reads the debug information that compiler wrote.
get_filename_component(rune_compiler_path "${CMAKE_CXX_COMPILER}" REALPATH)
get_filename_component(rune_compiler_dir "${rune_compiler_path}" DIRECTORY)
find_program(RUNE_LLVM_SYMBOLIZER NAMES llvm-symbolizer HINTS "${rune_compiler_dir}" NO_DEFAULT_PATH)
find_program(RUNE_LLVM_SYMBOLIZER NAMES llvm-symbolizer)
if(NOT RUNE_LLVM_SYMBOLIZER)
  message(WARNING "llvm-symbolizer not found: sanitizer reports will show addresses, not functions and lines")
endif()

set(RUNE_SANITIZER_REPORT_DIR "${CMAKE_BINARY_DIR}/sanitizer-reports")
set(RUNE_LSAN_SUPPRESSIONS "${CMAKE_CURRENT_LIST_DIR}/lsan.supp")

# The environment of a sanitized process; @p log_path empty keeps reports on stderr (fuzzers:
# libFuzzer reads them there and writes the crashing input).
function(rune_sanitizer_environment out log_path)
  set(common "")
  if(RUNE_LLVM_SYMBOLIZER)
    string(APPEND common ":external_symbolizer_path=${RUNE_LLVM_SYMBOLIZER}")
  endif()
  if(log_path)
    string(APPEND common ":log_path=${log_path}")
  endif()
  set(${out}
    "ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1${common}"
    "LSAN_OPTIONS=suppressions=${RUNE_LSAN_SUPPRESSIONS}:print_suppressions=0${common}"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${common}"
    PARENT_SCOPE)
endfunction()

# Tests that check how much resident memory a process keeps (theirs, or an agent's they start).
# AddressSanitizer holds freed memory in a quarantine (256 MiB by default) before it reuses it, so
# buffers read and thrown away would count as kept; without the quarantine the figure is what the
# code keeps, as in a release build. The sanitizers still check every access.
set(RUNE_TESTS_MEASURING_MEMORY agent_tst_httpresources core_tst_hostilenodes)

# Called for every test program: its reports go to the report directory under its own name.
function(rune_sanitized_test name)
  rune_sanitizer_environment(environment "${RUNE_SANITIZER_REPORT_DIR}/${name}")
  if(name IN_LIST RUNE_TESTS_MEASURING_MEMORY)
    list(TRANSFORM environment REPLACE "^ASAN_OPTIONS=" "ASAN_OPTIONS=quarantine_size_mb=0:")
  endif()
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT ${environment})
  set_property(TEST ${name} APPEND PROPERTY FIXTURES_REQUIRED sanitizer_reports)
endfunction()

# The report directory emptied before the first test and read after the last (ctest adds both
# to any selection of tests, -R included).
function(rune_add_sanitizer_report_check)
  set(script ${PROJECT_SOURCE_DIR}/tests/sanitizers/reports.sh)
  add_test(NAME sanitizer_reports_reset COMMAND ${script} reset ${RUNE_SANITIZER_REPORT_DIR})
  add_test(NAME sanitizer_reports COMMAND ${script} check ${RUNE_SANITIZER_REPORT_DIR})
  set_tests_properties(sanitizer_reports_reset PROPERTIES FIXTURES_SETUP sanitizer_reports LABELS sanitizer)
  set_tests_properties(sanitizer_reports PROPERTIES FIXTURES_CLEANUP sanitizer_reports LABELS sanitizer)
endfunction()
