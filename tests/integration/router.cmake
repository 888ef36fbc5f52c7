# The media router on real UDP sockets on loopback, driven by native peers (src/client) through the
# same MediaRouter interface the server uses (owned by the router's authors).
file(GLOB UMBRA_ROUTER_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/router_*_test.cpp)
if(UMBRA_ROUTER_INTEGRATION_TESTS AND TARGET umbra_router AND TARGET umbra_client)
  umbra_test(umbra_router_integration_test SOURCES ${UMBRA_ROUTER_INTEGRATION_TESTS}
    DEPS umbra_router umbra_client umbra_e2ee)
  target_compile_options(umbra_router_integration_test PRIVATE -Wno-null-dereference)  # Asio at -O2
endif()

# The Chromium test: a page publishes VP8 + Opus through the router and decodes it back. Needs Debian
# `chromium` and web/node_modules/playwright-core; skipped (not registered) without them.
if(TARGET umbra_router)
  add_executable(umbra_router_browser_harness ${CMAKE_CURRENT_LIST_DIR}/router_browser_harness.cpp)
  target_compile_options(umbra_router_browser_harness PRIVATE ${UMBRA_WARNINGS} -Wno-null-dereference)
  target_link_libraries(umbra_router_browser_harness PRIVATE umbra_router)
  find_program(UMBRA_CHROMIUM chromium)
  find_program(UMBRA_NODE node)
  if(UMBRA_CHROMIUM AND UMBRA_NODE AND EXISTS ${PROJECT_SOURCE_DIR}/web/node_modules/playwright-core)
    add_test(NAME RouterBrowser.ChromiumDecodesVideoPublishedThroughTheRouter
      COMMAND ${UMBRA_NODE} ${CMAKE_CURRENT_LIST_DIR}/router_browser_test.mjs
              $<TARGET_FILE:umbra_router_browser_harness> ${UMBRA_CHROMIUM}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/web)
    set_tests_properties(RouterBrowser.ChromiumDecodesVideoPublishedThroughTheRouter PROPERTIES TIMEOUT 120)
  endif()
endif()
