# SPDX-License-Identifier: GPL-3.0-or-later
# Build speed only, no change to what is built: precompiled headers for the headers that most
# files of a target include (Boost.Asio/Beast and nlohmann/json in the agent, Qt elsewhere).
# A parse of these took a third of each file's compile time or more. RUNE_PCH=OFF builds without
# (to check that every file includes what it uses).

set(RUNE_AGENT_PCH <string> <vector> <map> <memory> <functional> <optional> <mutex> <chrono>
  <expected> <filesystem> <nlohmann/json.hpp> <boost/asio/io_context.hpp> <boost/asio/post.hpp>
  <boost/asio/steady_timer.hpp> <boost/asio/strand.hpp> <boost/asio/ip/tcp.hpp> <boost/beast/http.hpp>
  <boost/beast/core/flat_buffer.hpp>)
set(RUNE_CORE_PCH <QObject> <QString> <QStringList> <QList> <QHash> <QVariant> <QCoreApplication>
  <QDir> <QFile> <QFileInfo> <QDateTime> <QTimer> <QPointer> <QRegularExpression> <QJsonDocument>
  <QJsonObject> <QJsonArray> <QNetworkAccessManager> <QNetworkReply> <QNetworkRequest>)
set(RUNE_VIEWS_PCH <QWidget> <QApplication> <QLabel> <QVBoxLayout> <QHBoxLayout> <QFormLayout>
  <QPushButton> <QLineEdit> <QComboBox> <QCheckBox> <QHeaderView> <QTableView> <QSplitter>
  <QAbstractTableModel> <QDialog> <QDialogButtonBox> <QMessageBox> <QPainter>)
set(RUNE_TEST_PCH <QTest> <QSignalSpy> <QTemporaryDir> <QProcess> ${RUNE_CORE_PCH})

if(RUNE_PCH)
  # ccache caches compiles that use a precompiled header only with these relaxations
  # (its manual, "Precompiled headers"); clang must also leave the time out of the header.
  if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${CMAKE_CXX_COMPILER_LAUNCHER})
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(rune_strict INTERFACE "SHELL:-Xclang -fno-pch-timestamp")
  endif()
endif()

# The libraries' headers, once each libraries' targets exist.
function(rune_precompile_libraries)
  if(NOT RUNE_PCH)
    return()
  endif()
  target_precompile_headers(rune_agent_lib PRIVATE ${RUNE_AGENT_PCH})
  target_precompile_headers(rune_core PRIVATE ${RUNE_CORE_PCH})
  if(TARGET rune_views)
    target_precompile_headers(rune_views PRIVATE ${RUNE_CORE_PCH} ${RUNE_VIEWS_PCH})
  endif()
endfunction()

# Unity builds: a target compiles its files in batches, one compiler run per batch, so the heavy
# headers are parsed and their templates instantiated once per batch instead of once per file.
# RUNE_UNITY=OFF compiles each file alone (to check that none relies on what an earlier file of its
# batch declared). Used for the agent's libraries, where Beast, Asio and nlohmann/json make every
# file slow, and for the core library, the CLI, the views and the test programs, whose files are
# small next to what they include (a batch of eight test files compiles in about the time of three
# files alone, and two such batches together in three quarters of their time apart). A name a
# .cpp file keeps to itself (anonymous namespace, static) must therefore be unique within its
# target, and must not be one a function of another file of it uses for a local.
# The core library's files that keep a tr() of their own compile alone (core/CMakeLists.txt).
set(RUNE_UNITY_BATCH_SIZE 16 CACHE STRING "Files per unity batch (RUNE_UNITY=ON)")
function(rune_unity_build)
  if(NOT RUNE_UNITY)
    return()
  endif()
  foreach(target IN LISTS ARGN)
    if(TARGET ${target})
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${RUNE_UNITY_BATCH_SIZE})
    endif()
  endforeach()
endfunction()

# moc with the project's include paths only (the libraries' and test programs' files). moc reads
# every header a file includes, as the compiler would: about 700 of Qt's and the C++ library's for
# each file, which took 2 s of a moc run that takes 10 to 50 ms without them, about 130 s of
# processor time for the views and 70 s for the core library in each build. moc learns little
# from them: which of Qt's classes are QObjects (a signal carrying a QWidget* registers that type)
# and the headers a Qt header asks generated code to include (Q_MOC_INCLUDE). For most files that
# changes nothing. The files where it does are listed with rune_moc_every_path() and keep every
# path; the test moc_includes_check (cmake/checkmocincludes.cmake) runs both over the others and
# fails, naming the file, when one's output would differ.
#   rune_moc_project_includes(<targets...>)  their files are moc'd that way
#   rune_moc_every_path(<files...>)          these files keep every include path
function(rune_moc_project_includes)
  set_property(GLOBAL APPEND PROPERTY RUNE_MOC_PROJECT_TARGETS ${ARGN})
endfunction()
function(rune_moc_every_path)
  foreach(file IN LISTS ARGN)
    get_filename_component(path ${file} ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY RUNE_MOC_EVERY_PATH ${path})
  endforeach()
endfunction()

# Once every target exists: writes the moc wrapper and gives it to the listed targets. Its name
# carries a hash of its text, so a change to the lists is a new moc executable to CMake, which
# then runs moc again for the files of those targets.
function(rune_write_moc_wrapper)
  get_property(targets GLOBAL PROPERTY RUNE_MOC_PROJECT_TARGETS)
  get_property(every_path GLOBAL PROPERTY RUNE_MOC_EVERY_PATH)
  if(NOT targets OR NOT TARGET Qt6::moc)
    return()
  endif()
  get_target_property(moc Qt6::moc LOCATION)
  set(cases "")
  foreach(path IN LISTS every_path)
    string(APPEND cases "  '${path}') exec '${moc}' \"$@\" ;;\n")
  endforeach()
  set(text "#!/bin/sh
# Generated by cmake/buildspeed.cmake (rune_write_moc_wrapper): moc with the -I options under the
# source and build trees only, but for the files that keep every path. The file is the last argument.
for last do :; done
case $last in
${cases}esac
for arg do
  shift
  case $arg in
  -I'${CMAKE_SOURCE_DIR}'/*|-I'${CMAKE_BINARY_DIR}'/*) set -- \"$@\" \"$arg\" ;;
  -I*) ;;
  *) set -- \"$@\" \"$arg\" ;;
  esac
done
exec '${moc}' \"$@\"
")
  string(SHA256 hash "${text}")
  string(SUBSTRING ${hash} 0 12 hash)
  set(wrapper ${CMAKE_BINARY_DIR}/moc-project-includes/moc-${hash})
  file(GLOB old ${CMAKE_BINARY_DIR}/moc-project-includes/moc-*)
  list(REMOVE_ITEM old ${wrapper})
  if(old)
    file(REMOVE ${old})
  endif()
  if(NOT EXISTS ${wrapper}) # its name says what it holds
    file(WRITE ${wrapper} "${text}")
    file(CHMOD ${wrapper} FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
      GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endif()
  set(infos "")
  foreach(target IN LISTS targets)
    set_target_properties(${target} PROPERTIES AUTOMOC_EXECUTABLE ${wrapper})
    get_target_property(dir ${target} BINARY_DIR)
    list(APPEND infos ${dir}/CMakeFiles/${target}_autogen.dir/AutogenInfo.json)
  endforeach()
  if(RUNE_TESTS)
    add_test(NAME moc_includes_check COMMAND ${CMAKE_COMMAND} -DMOC=${moc} -DWRAPPER=${wrapper}
      "-DINFOS=${infos}" "-DEVERY_PATH=${every_path}" -DWORK_DIR=${CMAKE_BINARY_DIR}/moc-project-includes/check
      -P ${PROJECT_SOURCE_DIR}/cmake/checkmocincludes.cmake)
    set_tests_properties(moc_includes_check PROPERTIES LABELS "style" TIMEOUT 300)
  endif()
endfunction()
