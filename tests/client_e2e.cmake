# tests/client_e2e.cmake: the SDL client ttt as a user runs it: its command
# line (tests/client/options.sh) and a whole game through its window under
# Xvfb against a real tttd and a ttt-bot (tests/client/e2e.sh, which skips
# with status 77 when Xvfb, xdotool or ImageMagick is missing). The finished
# game's screenshot is kept in ${CMAKE_BINARY_DIR}/tests/artifacts/. Also the
# network thread alone (tests/client/test_netthread.c, cmocka, no SDL).
if(TARGET ttt)
  add_test(NAME client_options
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/client/options.sh $<TARGET_FILE:ttt>)
  set_tests_properties(client_options PROPERTIES LABELS integration TIMEOUT 60)
endif()
if(TARGET ttt AND TARGET ttt-bot)
  # ttt_wm_close: a window manager's close button, for Xvfb without one.
  find_package(X11 QUIET)
  set(TTT_WM_CLOSE "")
  if(X11_FOUND)
    add_executable(ttt_wm_close ${CMAKE_CURRENT_SOURCE_DIR}/client/wm_close.c)
    target_include_directories(ttt_wm_close PRIVATE ${X11_INCLUDE_DIR})
    target_link_libraries(ttt_wm_close PRIVATE ${X11_LIBRARIES})
    set(TTT_WM_CLOSE $<TARGET_FILE:ttt_wm_close>)
  endif()
  add_test(NAME client_e2e
    COMMAND ${CMAKE_COMMAND} -E env "TTT_WM_CLOSE=${TTT_WM_CLOSE}"
            bash ${CMAKE_CURRENT_SOURCE_DIR}/client/e2e.sh
            $<TARGET_FILE:tttd> $<TARGET_FILE:ttt> $<TARGET_FILE:ttt-bot>
            ${CMAKE_BINARY_DIR}/tests/artifacts)
  set_tests_properties(client_e2e PROPERTIES LABELS integration TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()
# The network thread alone (no SDL) against a scripted loopback server.
if(TARGET ttt)
  ttt_unit_test(test_netthread
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/client/test_netthread.c ${PROJECT_SOURCE_DIR}/client/netthread.c
    LIBS ttt_app ttt_session Threads::Threads)
endif()
