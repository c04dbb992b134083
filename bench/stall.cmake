# bench/stall.cmake: bench_stall, how often the machine takes a core away from
# a process that wants it (the floor under every latency tail).
add_executable(bench_stall ${CMAKE_CURRENT_SOURCE_DIR}/stall.c)
