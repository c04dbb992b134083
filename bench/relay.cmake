# bench/relay.cmake: bench_relay (a bare epoll relay, the machine's floor) and
# bench_relay_drive (its load generator, driving it as ttt-bot drives tttd).
add_executable(bench_relay ${CMAKE_CURRENT_SOURCE_DIR}/relay.c)
target_link_libraries(bench_relay PRIVATE ttt_net)
add_executable(bench_relay_drive ${CMAKE_CURRENT_SOURCE_DIR}/relay_drive.c)
target_link_libraries(bench_relay_drive PRIVATE ttt_net)
