# tests/render.cmake: the client's drawing: layout maths with no window
# (test_layout) and scenes drawn by SDL's software renderer into a surface
# with pixels checked (test_render). Both exist only when the client is built.
if(TARGET ttt_layout)
  ttt_unit_test(test_layout SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_layout.c
                LIBS ttt_layout ttt_protocol)
endif()
if(TARGET ttt_render AND TARGET ttt_assets)
  ttt_unit_test(test_render SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_render.c
                LIBS ttt_render ttt_protocol)
  add_dependencies(test_render ttt_assets)
  target_compile_definitions(test_render PRIVATE
    TTT_TEST_FONT="${CMAKE_BINARY_DIR}/assets/DejaVuSans.ttf")
  set_tests_properties(test_render PROPERTIES ENVIRONMENT "SDL_VIDEODRIVER=dummy")
endif()
