# The media router on real UDP sockets on loopback, driven by native peers (src/client) through the
# same MediaRouter interface the server uses (owned by the router's authors).
file(GLOB UMBRA_ROUTER_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/router_*_test.cpp)
if(UMBRA_ROUTER_INTEGRATION_TESTS AND TARGET umbra_router AND TARGET umbra_client)
  umbra_test(umbra_router_integration_test SOURCES ${UMBRA_ROUTER_INTEGRATION_TESTS}
    DEPS umbra_router umbra_client)
  target_compile_options(umbra_router_integration_test PRIVATE -Wno-null-dereference)  # Asio at -O2
endif()
