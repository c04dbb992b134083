# tests/protocol.cmake: unit tests of the wire protocol library.
ttt_unit_test(test_proto SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_proto.c LIBS ttt_protocol)
