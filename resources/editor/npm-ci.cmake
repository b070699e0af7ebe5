# SPDX-License-Identifier: GPL-3.0-or-later
# Build step: installs the editor's npm modules in NPM_DIR exactly as package-lock.json pins
# them, then touches STAMP. Run as cmake -DNPM=... -DNPM_DIR=... -DSTAMP=... -P npm-ci.cmake.
execute_process(
  COMMAND ${NPM} ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY ${NPM_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR
    "npm ci failed for the code editor's modules (resources/editor/package-lock.json). The first "
    "build needs the npm registry; later builds reuse ${NPM_DIR}/node_modules and npm's cache. "
    "Check the network or npm's registry setting, or configure with -DRUNE_WEB_EDITOR=OFF to build "
    "the native editor only.")
endif()
file(TOUCH ${STAMP})
