# client/ui.cmake: ttt, the SDL2 client: the command line (options.c), the
# network thread that owns the session (netthread.c) and the SDL main loop
# (main.c), on top of the UI state machine (ttt_app) and drawing (ttt_render).
# The bundled font comes from the ttt_assets target (assets/CMakeLists.txt).
add_executable(ttt
  ${CMAKE_CURRENT_SOURCE_DIR}/main.c
  ${CMAKE_CURRENT_SOURCE_DIR}/options.c
  ${CMAKE_CURRENT_SOURCE_DIR}/netthread.c)
target_compile_definitions(ttt PRIVATE TTT_VERSION="${PROJECT_VERSION}")
target_link_libraries(ttt PRIVATE ttt_app ttt_render ttt_session
  SDL2::SDL2 SDL2_ttf::SDL2_ttf Threads::Threads)
add_dependencies(ttt ttt_assets)
install(TARGETS ttt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
