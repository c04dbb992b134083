# tests/app.cmake: unit tests of the client's UI state machine and its config
# file (no window, no sockets).
ttt_unit_test(test_config SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_config.c LIBS ttt_app)
ttt_unit_test(test_app SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_app.c LIBS ttt_app)
