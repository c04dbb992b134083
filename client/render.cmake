# client/render.cmake: the client's drawing. ttt_layout is the window
# geometry (no SDL, for tests without a window); ttt_render draws scenes with
# SDL2 and SDL2_ttf and finds the font (build tree's or install's assets).
add_library(ttt_layout STATIC ${CMAKE_CURRENT_SOURCE_DIR}/layout.c)
target_include_directories(ttt_layout PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ttt_layout PUBLIC ttt_rules)

add_library(ttt_render STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/render.c
  ${CMAKE_CURRENT_SOURCE_DIR}/font.c)
target_include_directories(ttt_render PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ttt_render PUBLIC ttt_layout ttt_rules SDL2::SDL2 SDL2_ttf::SDL2_ttf m)
target_compile_definitions(ttt_render PRIVATE
  TTT_BUILD_ASSETS_DIR="${CMAKE_BINARY_DIR}/assets"
  TTT_INSTALL_ASSETS_DIR="${CMAKE_INSTALL_FULL_DATADIR}/ttt/assets")
