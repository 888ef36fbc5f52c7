# Recording (src/archive) end to end: real VP8 and Opus from libvpx/libopus, packetized into RTP with
# reordering and loss, recorded to WebM, then checked with ffprobe and ffmpeg (owned by the archive's
# authors).
pkg_check_modules(UMBRA_ARCHIVE_TEST_CODECS IMPORTED_TARGET vpx opus)
file(GLOB UMBRA_ARCHIVE_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/archive_*_test.cpp)
find_program(UMBRA_FFPROBE ffprobe)
find_program(UMBRA_FFMPEG ffmpeg)
if(UMBRA_ARCHIVE_INTEGRATION_TESTS AND TARGET umbra_archive AND UMBRA_ARCHIVE_TEST_CODECS_FOUND
   AND UMBRA_FFPROBE AND UMBRA_FFMPEG)
  umbra_test(umbra_archive_integration_test SOURCES ${UMBRA_ARCHIVE_INTEGRATION_TESTS}
    DEPS umbra_archive PkgConfig::UMBRA_ARCHIVE_TEST_CODECS nlohmann_json::nlohmann_json)
  target_sources(umbra_archive_integration_test PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/media_frames.cpp)
  target_compile_definitions(umbra_archive_integration_test PRIVATE
    UMBRA_FFPROBE="${UMBRA_FFPROBE}" UMBRA_FFMPEG="${UMBRA_FFMPEG}")
endif()
