# Seed 002 end to end through the real binaries (issue 15): tesserad (ca,
# cms, softtoken), cards issued by the CMS, device tokens on tessera-sim,
# `tessera softtoken request|confirm|present|verify`; SQLite and PostgreSQL.
tessera_add_gtest(st_e2e_test
  SOURCES
    services/softtoken/st_e2e_test.cpp
    services/softtoken/st_e2e_slow_test.cpp
    services/softtoken/st_e2e_fixture.cpp
    services/softtoken/cli_process.cpp
    services/cms/cms_fixture.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
  LIBS tessera_directory_test_support tessera_sim_test_support tessera_cli_client tessera_jose
       nlohmann_json::nlohmann_json Threads::Threads
  LABELS integration softtoken e2e postgres)
target_compile_definitions(st_e2e_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                           TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
add_dependencies(st_e2e_test tesserad tessera tessera-pkcs11 tessera-sim)

# The page in headless Firefox ESR (label browser): the same world, the
# card's 9A key through the module in Firefox's profile.
if(TARGET tessera_browser_test_support)
  tessera_add_gtest(st_browser_test
    SOURCES
      services/softtoken/st_browser_test.cpp
      services/softtoken/st_e2e_fixture.cpp
      services/softtoken/cli_process.cpp
      services/cms/cms_fixture.cpp
      services/http/tesserad_process.cpp
      services/http/test_pki.cpp
    LIBS tessera_browser_test_support tessera_directory_test_support tessera_sim_test_support
         tessera_cli_client tessera_jose nlohmann_json::nlohmann_json Threads::Threads
    LABELS integration softtoken e2e browser postgres
    PROPERTIES RUN_SERIAL TRUE TIMEOUT 900)
  target_compile_definitions(st_browser_test PRIVATE
                             TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                             TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                             TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                             TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
  add_dependencies(st_browser_test tesserad tessera tessera-pkcs11 tessera-sim)
endif()
