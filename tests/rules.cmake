# tests/rules.cmake: unit tests of the game rules and the perfect player.
ttt_unit_test(test_rules SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_rules.c LIBS ttt_rules)
