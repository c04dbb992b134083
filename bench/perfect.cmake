# bench/perfect.cmake: bench_perfect, the perfect player's time per answer.
add_executable(bench_perfect ${CMAKE_CURRENT_SOURCE_DIR}/bench_perfect.c)
target_link_libraries(bench_perfect PRIVATE ttt_rules)
