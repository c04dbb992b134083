# tests/session.cmake: unit tests of the client session library (scripted
# byte streams, plus a scripted server on a loopback socket).
ttt_unit_test(test_session SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_session.c LIBS ttt_session)
