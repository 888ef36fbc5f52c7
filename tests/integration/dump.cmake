# `umbra dump frames` run as a real process on captures written with the router's PcapWriter
# encoding: E2EE VP8 and Opus sealed with src/e2ee, plain VP8 (owned by the dump tool's authors).
umbra_test(umbra_dump_frames_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/dump_frames_test.cpp
  DEPS umbra_router umbra_e2ee umbra_sframe umbra_common)
target_compile_definitions(umbra_dump_frames_test PRIVATE UMBRA_CLI_PATH="$<TARGET_FILE:umbra>")
add_dependencies(umbra_dump_frames_test umbra)
