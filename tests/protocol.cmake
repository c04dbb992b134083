# tests/protocol.cmake: unit tests of the wire protocol library.
ttt_unit_test(test_proto SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_proto.c LIBS ttt_protocol)
ttt_unit_test(test_text SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_text.c LIBS ttt_protocol)

# libFuzzer target over the frame reader, decoder and encoder (not a CTest
# test: scripts/fuzz runs it for a bounded time). proto.c is compiled into it
# again so that the fuzzer sees its coverage and the sanitizers check it.
if(TTT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TTT_FUZZ needs clang: configure with CC=clang")
  endif()
  add_executable(fuzz_proto ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_proto.c ${PROJECT_SOURCE_DIR}/protocol/proto.c
    ${PROJECT_SOURCE_DIR}/protocol/text.c)
  target_include_directories(fuzz_proto PRIVATE ${PROJECT_SOURCE_DIR}/protocol)
  target_compile_options(fuzz_proto PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  target_link_options(fuzz_proto PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
endif()
