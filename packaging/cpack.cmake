# SPDX-License-Identifier: MIT
# cpack.cmake: the Debian packages, one per program (CPack components):
# tttd, ttt and ttt-bot. Their Depends come from the shared libraries the
# binaries link (dpkg-shlibdeps), plus the font package for ttt. Built by
# scripts/package, which configures with the prefix /usr and the programs
# in /usr/games; the packages install exactly where the build was
# configured to install, so the paths compiled and written into them (the
# unit's ExecStart, the desktop entry's Exec) hold.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ttt)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the ttt authors")
# Each package's summary is the first line of its description below.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(TTT_PACKAGE_MAINTAINER "ttt maintainers <maintainers@users.noreply.b-seed-4793ae92.example>"
    CACHE STRING "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${TTT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
# Absolute destinations (/etc/default/tttd) go into the package, not onto
# this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL "")
if(TTT_SERVER)
  list(APPEND CPACK_COMPONENTS_ALL tttd)
endif()
if(TTT_CLIENT)
  list(APPEND CPACK_COMPONENTS_ALL ttt)
endif()
if(TTT_BOT)
  list(APPEND CPACK_COMPONENTS_ALL ttt-bot)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION games)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_TTTD_PACKAGE_NAME tttd)
set(CPACK_DEBIAN_TTTD_DESCRIPTION "networked tic-tac-toe: the game server
tttd hosts ttt games over TCP: it pairs the players who connect (quick
match, or a private room code shared between friends), runs every game and
checks every move, relays the moves to both players and to spectators, and
keeps going through bad input, vanished players and floods.

This package runs it as a hardened systemd service (not enabled on
installation: systemctl enable --now tttd), with its options in
/etc/default/tttd and a record of every finished game in /var/lib/tttd.")
set(CPACK_DEBIAN_TTTD_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/packaging/debian/tttd/conffiles;${CMAKE_BINARY_DIR}/packaging/debian/tttd/postinst;${CMAKE_BINARY_DIR}/packaging/debian/tttd/prerm;${CMAKE_BINARY_DIR}/packaging/debian/tttd/postrm")

set(CPACK_DEBIAN_TTT_PACKAGE_NAME ttt)
set(CPACK_DEBIAN_TTT_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_TTT_DESCRIPTION "networked tic-tac-toe: the game window
ttt is the SDL2 window of the ttt game: connect to a tttd server, get paired
with the next player or join a friend's private room, and play with the
mouse or the keys 1 to 9 against a turn clock. It marks the last move,
draws the winning line, offers a rematch, lets you watch live games, and
reconnects on its own when the connection drops.")

set(CPACK_DEBIAN_TTT-BOT_PACKAGE_NAME ttt-bot)
set(CPACK_DEBIAN_TTT-BOT_DESCRIPTION "networked tic-tac-toe: the headless player and load generator
ttt-bot plays ttt games against a tttd server without a window: one
perfect or random opponent to play against, two bots to check a server, or
thousands of clients on one event loop to measure one, with a summary of
games, results and move round trips (as JSON on request).")

include(CPack)
