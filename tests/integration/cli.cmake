# The `umbra` CLI run as a real process on the shared vectors (owned by the CLI's authors).
umbra_test(umbra_cli_vectors_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_vectors_test.cpp DEPS umbra_common)
target_compile_definitions(umbra_cli_vectors_test PRIVATE UMBRA_CLI_PATH="$<TARGET_FILE:umbra>")
add_dependencies(umbra_cli_vectors_test umbra)
