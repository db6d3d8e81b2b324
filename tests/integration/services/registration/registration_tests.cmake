# Issue 14 (seed 001): the registration gateway's client to application
# servers (services/registration/forwarder.cmake) against the real
# tessera-demo-app, a TLS http::Server and sockets that never answer.
if(TARGET tessera_reg_forwarder)
  tessera_add_gtest(reg_forwarder_test
    SOURCES
      services/registration/app_forwarder_test.cpp
      services/registration/demo_app_process.cpp
      services/http/test_pki.cpp
      ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
    LIBS tessera_reg_forwarder tessera_http
    LABELS integration registration)
  target_compile_definitions(reg_forwarder_test PRIVATE
                             TESSERA_DEMO_APP_BINARY="$<TARGET_FILE:tessera-demo-app>")
  # The tests start the binary: build it first.
  add_dependencies(reg_forwarder_test tessera-demo-app)
endif()
