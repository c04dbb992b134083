# tests/valgrind.cmake: tttd under valgrind's memcheck through a busy life
# (not in the sanitizer build: valgrind cannot run ASan binaries).
if(TARGET ttt-bot AND NOT TTT_SANITIZE)
  add_test(NAME tttd_memcheck
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/valgrind/tttd_memcheck.sh $<TARGET_FILE:tttd> $<TARGET_FILE:ttt-bot>)
  set_tests_properties(tttd_memcheck PROPERTIES LABELS integration TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()
