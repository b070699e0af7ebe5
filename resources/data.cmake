# SPDX-License-Identifier: GPL-3.0-or-later
# The data files compiled into the programs, listed once: read by the window (resources/) and by
# the command line of a build without the window (cli/).
set(RUNE_DATA_DIR ${CMAKE_CURRENT_LIST_DIR})

# Function templates (templates/<id>/template.json and files/) under /templates; core reads them
# from ":/templates" with QDir, so the console needs no files next to its binary.
set(RUNE_TEMPLATE_FILES
  exec/files/handler.sh
  exec/template.json
  node/files/handler.js
  node/template.json
  python3/files/handler.py
  python3/template.json
)
set(RUNE_TEMPLATE_FILES ${RUNE_TEMPLATE_FILES} CACHE INTERNAL "")

# Price tables (pricing/*.json) under /pricing: the Cost pane reads ":/pricing" and keeps the
# user's edits in the data directory.
set(RUNE_PRICING_FILES aws-ec2.json aws-lambda.json google-app-engine.json this-cluster.json CACHE INTERNAL "")

# Compiles the files @ARGN of resources/@folder into @target under the prefix /@folder.
function(rune_add_data_resources target folder)
  set(files)
  foreach(file IN LISTS ARGN)
    list(APPEND files ${RUNE_DATA_DIR}/${folder}/${file})
  endforeach()
  qt_add_resources(${target} rune_${folder} PREFIX /${folder} BASE ${RUNE_DATA_DIR}/${folder} FILES ${files})
endfunction()

