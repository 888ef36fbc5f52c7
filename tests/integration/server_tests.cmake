# `umbra serve` over real HTTP and WebSocket on loopback (owned by the server's authors): in-process
# servers on ephemeral ports, plus the `umbra` binary for the offline token command.
umbra_test(umbra_server_integration_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/server_api_test.cpp ${CMAKE_CURRENT_LIST_DIR}/server_signaling_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/server_cli_test.cpp ${CMAKE_CURRENT_LIST_DIR}/server_routed_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/server_archive_test.cpp
  DEPS umbra_server umbra_router umbra_client)
target_compile_definitions(umbra_server_integration_test PRIVATE UMBRA_CLI_PATH="$<TARGET_FILE:umbra>")
add_dependencies(umbra_server_integration_test umbra)
