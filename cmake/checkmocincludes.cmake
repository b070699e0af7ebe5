# SPDX-License-Identifier: GPL-3.0-or-later
# The test moc_includes_check (cmake/buildspeed.cmake): moc's output for the files the project
# moc's with its own include paths only must be what moc writes with every path.
#   cmake -DMOC=<moc> -DWRAPPER=<the wrapper> -DINFOS=<AutogenInfo.json...> -DEVERY_PATH=<files...>
#         -DWORK_DIR=<dir> -P checkmocincludes.cmake
# A target's files are checked together: its headers concatenated into one file, its sources into
# another (moc writes a header's output to be compiled beside it, a source's to be included in
# it), each moc'd both ways. Qt's headers are then read once for all of them (about 3 s a target),
# and what the full paths teach moc about one file they teach it about all. When the outputs
# differ, each file is moc'd alone to name the ones that differ.
# Fails when a target was not moc'd through the wrapper, or when no target was built at all.
cmake_minimum_required(VERSION 3.25)

foreach(var MOC WRAPPER INFOS WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "checkmocincludes.cmake: -D${var}=... is missing")
  endif()
endforeach()

# moc's output for <input> both ways, into <full> and <reduced>; <same> is TRUE when they agree
# (output, messages and exit status).
function(moc_both_ways input arguments prefix same)
  execute_process(COMMAND ${MOC} ${arguments} -o ${prefix}.full.moc ${input}
    RESULT_VARIABLE full_status ERROR_VARIABLE full_messages)
  execute_process(COMMAND ${WRAPPER} ${arguments} -o ${prefix}.reduced.moc ${input}
    RESULT_VARIABLE reduced_status ERROR_VARIABLE reduced_messages)
  set(result FALSE)
  if(full_status STREQUAL reduced_status AND full_messages STREQUAL reduced_messages
      AND EXISTS ${prefix}.full.moc AND EXISTS ${prefix}.reduced.moc)
    file(READ ${prefix}.full.moc full)
    file(READ ${prefix}.reduced.moc reduced)
    if(full STREQUAL reduced)
      set(result TRUE)
    endif()
  endif()
  if(NOT full_status EQUAL 0)
    message(FATAL_ERROR "moc failed on ${input} (${full_status}): ${full_messages}")
  endif()
  set(${same} ${result} PARENT_SCOPE)
endfunction()

# The elements of the JSON array <key> of <json>; with <index>, that element of each (an array).
function(json_array_items out json key)
  set(items "")
  string(JSON count LENGTH "${json}" ${key})
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON item GET "${json}" ${key} ${i} ${ARGN})
      list(APPEND items "${item}")
    endforeach()
  endif()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(checked 0)
set(differing "")
foreach(info IN LISTS INFOS)
  get_filename_component(target ${info} DIRECTORY)
  get_filename_component(target ${target} NAME)
  string(REGEX REPLACE "_autogen[.]dir$" "" target ${target})
  if(NOT EXISTS ${info})
    message(FATAL_ERROR "${target}: ${info} is missing")
  endif()
  file(READ ${info} json)
  string(JSON executable GET "${json}" QT_MOC_EXECUTABLE)
  if(NOT executable STREQUAL WRAPPER)
    message(FATAL_ERROR "${target} is moc'd by ${executable}, not by ${WRAPPER}")
  endif()
  string(JSON predefs GET "${json}" MOC_PREDEFS_FILE)
  if(NOT EXISTS ${predefs})
    message(STATUS "${target}: not built in this build directory, not checked")
    continue()
  endif()

  # moc's options as the build passes them, but for the input and output.
  json_array_items(definitions "${json}" MOC_DEFINITIONS)
  json_array_items(includes "${json}" MOC_INCLUDES)
  json_array_items(options "${json}" MOC_OPTIONS)
  list(TRANSFORM definitions PREPEND -D)
  list(TRANSFORM includes PREPEND -I)
  set(arguments ${definitions} ${includes} ${options} --include ${predefs})

  # The files autogen moc's (flag M, a Q_ macro in them), but for those that keep every path.
  foreach(kind HEADERS SOURCES)
    set(files "")
    set(text "")
    json_array_items(paths "${json}" ${kind} 0)
    json_array_items(flags "${json}" ${kind} 1)
    foreach(file file_flags IN ZIP_LISTS paths flags)
      if(NOT file_flags MATCHES "M" OR file IN_LIST EVERY_PATH)
        continue()
      endif()
      file(READ ${file} content)
      if(content MATCHES "Q_(OBJECT|GADGET|NAMESPACE)")
        list(APPEND files ${file})
        string(APPEND text "${content}\n")
      endif()
    endforeach()
    if(NOT files)
      continue()
    endif()
    if(kind STREQUAL "HEADERS")
      set(input ${WORK_DIR}/${target}.h)
    else()
      set(input ${WORK_DIR}/${target}.cpp)
    endif()
    file(WRITE ${input} "${text}")
    moc_both_ways(${input} "${arguments}" ${input} same)
    list(LENGTH files n)
    math(EXPR checked "${checked} + ${n}")
    if(same)
      string(TOLOWER ${kind} what)
      message(STATUS "${target}: ${n} ${what}, the same output either way")
      continue()
    endif()
    set(named FALSE)
    foreach(file IN LISTS files)
      get_filename_component(name ${file} NAME)
      moc_both_ways(${file} "${arguments}" ${WORK_DIR}/${target}-${name} same)
      if(NOT same)
        list(APPEND differing ${file})
        set(named TRUE)
      endif()
    endforeach()
    if(NOT named)
      list(APPEND differing "${target}'s ${kind} together (${input}), though each alone agrees")
    endif()
  endforeach()
endforeach()

if(differing)
  list(JOIN differing "\n  " list)
  message(FATAL_ERROR "moc's output differs without the system include paths for:\n  ${list}\n"
    "Compare ${WORK_DIR}/*.full.moc with *.reduced.moc, and list such a file with "
    "rune_moc_every_path() (cmake/buildspeed.cmake).")
endif()
if(checked EQUAL 0)
  message(FATAL_ERROR "no file was checked: none of ${INFOS} was built")
endif()
message(STATUS "${checked} files: moc's output is the same with the project's include paths only")
