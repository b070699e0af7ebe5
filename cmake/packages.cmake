# SPDX-License-Identifier: GPL-3.0-or-later
# The .deb packages, made by CPack (installers/setup.sh package, or the packages_tst_debian target):
#   rune        the console, its desktop entry and icon, and the CLI, man page and bash completion
#               where the source tree has them; Depends from dpkg-shlibdeps, plus the Qt plugins
#               it loads at run time
#   rune-agent  the portable agent (glibc 2.31, so installable on Debian 11), rune-agentctl and
#               rune-agent-supervise, the node scripts the console provisions with
#               (share/rune-agent/node, where NodeBundle looks), the systemd unit and the default
#               agent.conf as a conffile, both printed by installers/node/install.sh itself, and
#               maintainer scripts (installers/deb) that set up the rune user, state and token
# Needs the console (RUNE_GUI) and the portable agent (RUNE_PORTABLE_SYSROOT).
if(NOT RUNE_GUI OR NOT TARGET rune-agent-portable)
  message(STATUS "Packages: need RUNE_GUI=ON and RUNE_PORTABLE_SYSROOT (the agent package holds the portable agent)")
  return()
endif()

set(node_dir ${PROJECT_SOURCE_DIR}/installers/node)
set(rune_package_dir ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${rune_package_dir})
foreach(what config unit)
  execute_process(COMMAND sh ${node_dir}/install.sh --package --print-${what}
    OUTPUT_FILE ${rune_package_dir}/rune-agent.${what} RESULT_VARIABLE printed)
  if(NOT printed EQUAL 0)
    message(FATAL_ERROR "installers/node/install.sh --package --print-${what} failed")
  endif()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${node_dir}/install.sh ${node_dir}/rune-agent.service)

# The console: its binary by app/, its manual page and bash completion by cli/ (the default
# component, console).
install(FILES ${PROJECT_SOURCE_DIR}/resources/rune.desktop DESTINATION share/applications COMPONENT console)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/rune.svg DESTINATION share/icons/hicolor/scalable/apps
  COMPONENT console)

# The agent.
install(PROGRAMS ${RUNE_PORTABLE_AGENT} DESTINATION bin COMPONENT agent)
install(PROGRAMS ${node_dir}/rune-agentctl ${node_dir}/rune-agent-supervise DESTINATION sbin COMPONENT agent)
install(PROGRAMS ${node_dir}/install.sh ${node_dir}/uninstall.sh ${node_dir}/rune-agentctl
  ${node_dir}/rune-agent-supervise DESTINATION share/rune-agent/node COMPONENT agent)
install(FILES ${node_dir}/rune-agent.service DESTINATION share/rune-agent/node COMPONENT agent)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/remote-agent/runtimes/ DESTINATION share/rune-agent/runtimes COMPONENT agent)
install(FILES ${rune_package_dir}/rune-agent.unit DESTINATION /lib/systemd/system RENAME rune-agent.service
  COMPONENT agent)
install(FILES ${rune_package_dir}/rune-agent.config DESTINATION /etc/rune-agent RENAME agent.conf COMPONENT agent)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rune)
set(CPACK_PACKAGE_VENDOR "Rune")
set(CPACK_PACKAGE_CONTACT "Rune maintainers <rune@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL console agent)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME rune)
# The synopsis of both is the project's description; these are the extended descriptions.
set(CPACK_DEBIAN_CONSOLE_DESCRIPTION "The console of Rune (rune), a Qt 6 desktop program: it watches your own
machines, provisions them over SSH with the agent of the rune-agent package,
and deploys and calls functions on them.")
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SHLIBDEPS ON)
# Plugins Qt loads at run time, which dpkg-shlibdeps cannot see: SQLite (the console's store),
# the SVG icons, and the platform plugins (xcb, wayland, offscreen).
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6, qt6-qpa-plugins")
# The agent binary and node scripts the console provisions machines with and runs the demo cluster on.
set(CPACK_DEBIAN_CONSOLE_PACKAGE_RECOMMENDS "rune-agent (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME rune-agent)
set(CPACK_DEBIAN_AGENT_DESCRIPTION "The agent of Rune (rune-agent): serves functions on this machine for the
Rune console. Runs as the system user rune under systemd (or rune-agentctl's supervisor where
systemd does not run), with its control API on 127.0.0.1:7470 and a token in
/etc/rune-agent/token. Runs on Debian 11, Ubuntu 20.04 and newer.")
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION net)
# useradd (postinst), setpriv (the supervisor); libc6 is added by cmake/cpackproject.cmake.
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "passwd, util-linux")
include(${PROJECT_SOURCE_DIR}/cmake/agentglibc.cmake)
set(CPACK_RUNE_PORTABLE_AGENT ${RUNE_PORTABLE_AGENT})
set(CPACK_RUNE_OBJDUMP ${CMAKE_OBJDUMP})
set(CPACK_RUNE_AGENT_GLIBC ${RUNE_AGENT_GLIBC})
set(CPACK_RUNE_SOURCE_DIR ${PROJECT_SOURCE_DIR})
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/cpackproject.cmake)
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/installers/deb/postinst ${PROJECT_SOURCE_DIR}/installers/deb/prerm
  ${PROJECT_SOURCE_DIR}/installers/deb/postrm ${PROJECT_SOURCE_DIR}/installers/deb/conffiles)
include(CPack)

# `cmake --build <dir> --target packages`: both .deb files in <dir>/packages.
set(RUNE_PACKAGES_DIR ${CMAKE_BINARY_DIR}/packages CACHE INTERNAL "where the packages target puts the .deb files")
add_custom_target(packages
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB -B ${RUNE_PACKAGES_DIR} --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  DEPENDS rune rune-agent-portable
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMENT "Making rune_${PROJECT_VERSION}_amd64.deb and rune-agent_${PROJECT_VERSION}_amd64.deb (cpack)"
  VERBATIM)
