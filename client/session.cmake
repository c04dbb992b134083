# client/session.cmake: ttt_session, the client's network session library
# (no SDL), used by ttt-bot and the SDL client ttt.
add_library(ttt_session STATIC ${CMAKE_CURRENT_SOURCE_DIR}/session.c)
target_include_directories(ttt_session PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ttt_session PUBLIC ttt_protocol ttt_rules ttt_net)
