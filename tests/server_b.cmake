# tests/server_b.cmake: tttd's integration tests of timers, resume and
# takeover, abuse (floods, slow readers, bad headers) and chaos, each a
# cmocka program against a real tttd through the harness of tests/server.cmake
# (ttt_test_harness, ttt_integration_test); skipped while that is missing.
if(TARGET ttt_test_harness AND COMMAND ttt_integration_test)
  foreach(t test_srv_timers test_srv_resume test_srv_abuse test_srv_chaos)
    ttt_integration_test(${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/${t}.c)
  endforeach()
  target_link_libraries(test_srv_chaos PRIVATE Threads::Threads)
endif()
