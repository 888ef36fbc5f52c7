# The media router on real UDP sockets on loopback, driven by native peers (src/client) through the
# same MediaRouter interface the server uses (owned by the router's authors).
file(GLOB UMBRA_ROUTER_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/router_*_test.cpp)
# Recording through the router publishes real VP8/Opus (libvpx, libopus) and reads the files back
# with ffprobe/ffmpeg; without them that one test file is left out.
pkg_check_modules(UMBRA_ROUTER_TEST_CODECS IMPORTED_TARGET vpx opus)
find_program(UMBRA_FFPROBE ffprobe)
find_program(UMBRA_FFMPEG ffmpeg)
set(UMBRA_ROUTER_RECORDING_TESTABLE FALSE)
if(UMBRA_ROUTER_TEST_CODECS_FOUND AND UMBRA_FFPROBE AND UMBRA_FFMPEG)
  set(UMBRA_ROUTER_RECORDING_TESTABLE TRUE)
else()
  list(FILTER UMBRA_ROUTER_INTEGRATION_TESTS EXCLUDE REGEX "router_recording_test\\.cpp$")
endif()
if(UMBRA_ROUTER_INTEGRATION_TESTS AND TARGET umbra_router AND TARGET umbra_client)
  umbra_test(umbra_router_integration_test SOURCES ${UMBRA_ROUTER_INTEGRATION_TESTS}
    DEPS umbra_router umbra_client umbra_e2ee)
  target_compile_options(umbra_router_integration_test PRIVATE -Wno-null-dereference)  # Asio at -O2
  if(UMBRA_ROUTER_RECORDING_TESTABLE)
    target_sources(umbra_router_integration_test PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/media_frames.cpp)
    target_link_libraries(umbra_router_integration_test PRIVATE PkgConfig::UMBRA_ROUTER_TEST_CODECS
      nlohmann_json::nlohmann_json)
    target_compile_definitions(umbra_router_integration_test PRIVATE
      UMBRA_FFPROBE="${UMBRA_FFPROBE}" UMBRA_FFMPEG="${UMBRA_FFMPEG}")
  endif()
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
