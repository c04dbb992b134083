# tests/bot.cmake: ttt-bot's tests. Integration tests (label integration)
# run real processes: tttd on --port 0 --bind 127.0.0.1 and ttt-bot, from
# the shell scripts in tests/bot/ (helpers in tests/bot/lib.sh and
# tests/lib/server.sh); check_record replays a record file with the rules;
# test_session_live drives the session library through a real tttd.
set(TTT_BOT_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/bot)

add_executable(check_record ${TTT_BOT_TEST_DIR}/check_record.c)
target_link_libraries(check_record PRIVATE ttt_rules)

add_executable(test_session_live ${TTT_BOT_TEST_DIR}/test_session_live.c)
target_link_libraries(test_session_live PRIVATE ttt_session)

ttt_unit_test(test_bot_units SOURCES ${TTT_BOT_TEST_DIR}/test_bot_units.c LIBS ttt_bot)

foreach(t perfect_draws perfect_vs_random rematch rooms json_counts errors restart forfeit concurrency
    session_live)
  add_test(NAME bot_${t} COMMAND bash ${TTT_BOT_TEST_DIR}/${t}.sh)
  set_tests_properties(bot_${t} PROPERTIES
    LABELS integration
    TIMEOUT 120
    ENVIRONMENT "TTTD=$<TARGET_FILE:tttd>;TTT_BOT=$<TARGET_FILE:ttt-bot>;CHECK_RECORD=$<TARGET_FILE:check_record>;TEST_SESSION_LIVE=$<TARGET_FILE:test_session_live>")
endforeach()
