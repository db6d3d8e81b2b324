# The tools as a user meets them (issue 16): --version, help defaults and
# wording, bash completion against --help, --json reads and bad input, through
# the real tessera, tessera-sim and tesserad.
tessera_add_gtest(cli_ux_test
  SOURCES
    tools/cli/cli_ux_test.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_sim_test_support Threads::Threads
  LABELS integration cli
  # CliHelp starts the ASan CLI about 110 times (--help and completion of
  # every command): 60-110 s on a busy 2-core machine, so more than the
  # usual 300 s of headroom.
  PROPERTIES TIMEOUT 900)
target_compile_definitions(cli_ux_test PRIVATE
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_SOURCE_ROOT="${PROJECT_SOURCE_DIR}")
add_dependencies(cli_ux_test tessera tessera-sim tesserad)
