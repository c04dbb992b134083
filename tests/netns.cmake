# tests/netns.cmake: the two-machines test (server and bots in two network
# namespaces joined by a veth pair). Root only: skipped otherwise.
if(TARGET ttt-bot)
  add_test(NAME two_machines
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/netns/two_machines.sh $<TARGET_FILE:tttd> $<TARGET_FILE:ttt-bot>)
  set_tests_properties(two_machines PROPERTIES LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77
    RUN_SERIAL TRUE)
endif()
