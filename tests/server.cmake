# tests/server.cmake: integration tests of tttd, each a cmocka program that
# drives a real tttd process on loopback through tests/server/harness.c.
# ttt_test_harness is shared with tests/server_b.cmake (included after this
# file), which may also use ttt_integration_test().
add_library(ttt_test_harness STATIC ${CMAKE_CURRENT_SOURCE_DIR}/server/harness.c)
target_include_directories(ttt_test_harness PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/server)
target_link_libraries(ttt_test_harness PUBLIC ttt_protocol ttt_rules PkgConfig::CMOCKA)
target_compile_definitions(ttt_test_harness PUBLIC TTTD_PATH="$<TARGET_FILE:tttd>")
add_dependencies(ttt_test_harness tttd)

# ttt_integration_test(NAME SOURCES src...): one cmocka program against tttd,
# one CTest test labelled `integration` (so valgrind's unit stage skips it).
function(ttt_integration_test name)
  cmake_parse_arguments(T "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ttt_test_harness)
  target_compile_definitions(${name} PRIVATE TTT_VECTORS_FILE="${TTT_VECTORS_FILE}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 120)
endfunction()

ttt_integration_test(test_srv_handshake SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_handshake.c)
ttt_integration_test(test_srv_match SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_match.c)
ttt_integration_test(test_srv_moves SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_moves.c)
ttt_integration_test(test_srv_vectors SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_vectors.c)
ttt_integration_test(test_srv_spectate SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_spectate.c)
ttt_integration_test(test_srv_shutdown SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_shutdown.c)
ttt_integration_test(test_srv_record SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_record.c)
ttt_integration_test(test_srv_cmdline SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/test_srv_cmdline.c)
