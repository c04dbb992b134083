# client/app.cmake: ttt_app, the client's UI state machine (app.c), what input
# means (app_input.c), its words (app_words.c) and scene (app_scene.c), and its
# remembered settings
# (config.c). No SDL and no sockets: the SDL client ttt drives it, and
# tests/test_app.c drives it with synthetic events.
add_library(ttt_app STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/app.c
  ${CMAKE_CURRENT_SOURCE_DIR}/app_input.c
  ${CMAKE_CURRENT_SOURCE_DIR}/app_scene.c
  ${CMAKE_CURRENT_SOURCE_DIR}/app_words.c
  ${CMAKE_CURRENT_SOURCE_DIR}/config.c)
target_include_directories(ttt_app PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ttt_app PUBLIC ttt_session)
