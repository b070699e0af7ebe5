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

# Unity builds: each library compiles its files in batches, one compiler run per batch, so the
# heavy headers are parsed and their templates instantiated
# once per batch instead of once per file. RUNE_UNITY=OFF compiles each file alone (to check that
# none relies on what an earlier file of its batch declared). Used for the agent's libraries, where
# Beast, Asio and nlohmann/json make every file slow; a name a .cpp file keeps to itself (anonymous
# namespace, static) must therefore be unique within its library.
set(RUNE_UNITY_BATCH_SIZE 8 CACHE STRING "Files per unity batch (RUNE_UNITY=ON)")
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
