# Seed 000 through pcscd and vsmartcard's vpcd (issue 13: one flow over
# PC/SC): a private pcscd per test, so like every PC/SC test it takes
# RESOURCE_LOCK pcscd (pcsc-lite has one socket per machine, docs/pcsc.md)
# and skips where no private pcscd can run. Needs the harness library that
# tests/hil/pcsc builds, which exists only with libpcsclite.
find_package(PkgConfig REQUIRED)
pkg_check_modules(TESSERA_CMS_PCSCLITE QUIET libpcsclite)
if(TESSERA_CMS_PCSCLITE_FOUND)
  tessera_add_gtest(cms_pcsc_test
    SOURCES
      services/cms/cms_pcsc_test.cpp
      services/cms/cms_fixture.cpp
      services/http/tesserad_process.cpp
      services/http/test_pki.cpp
    LIBS tessera_test_pcscd tessera_directory_test_support tessera_sim_test_support
         tessera_cli_client nlohmann_json::nlohmann_json Threads::Threads
    LABELS integration cms e2e pcsc
    PROPERTIES RESOURCE_LOCK pcscd SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  target_compile_definitions(cms_pcsc_test PRIVATE
                             TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                             TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                             TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                             TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
  add_dependencies(cms_pcsc_test tesserad tessera tessera-pkcs11 tessera-sim)
endif()
