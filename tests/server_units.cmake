# tests/server_units.cmake: unit tests of tttd's pure parts (options, escaping, record lines).
ttt_unit_test(test_server_units SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_server_units.c LIBS ttt_server)
