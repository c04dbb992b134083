# tests/net.cmake: unit tests of the event loop and the socket helpers.
ttt_unit_test(test_loop SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_loop.c LIBS ttt_net)
ttt_unit_test(test_sock SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_sock.c LIBS ttt_net)
