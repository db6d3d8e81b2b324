# The soft-token service (seed 002, issue 15) in process, on a real SoftHSM2
# token and issuer CA, on SQLite and PostgreSQL: a tessera-sim token is the
# device's secure element (attested slot key, proofs signed on the token),
# a CA-issued 9A certificate with its CMS binding is the ID token.
find_package(nlohmann_json 3 REQUIRED)
tessera_add_gtest(st_service_test
  SOURCES
    services/softtoken/st_service_device.cpp
    services/softtoken/st_service_fixture.cpp
    services/softtoken/st_service_test.cpp
    services/softtoken/st_service_otp_test.cpp
    services/softtoken/st_service_proof_test.cpp
    services/softtoken/st_service_status_test.cpp
    services/softtoken/st_service_page_test.cpp
    services/softtoken/st_service_race_test.cpp
    services/softtoken/st_service_steps_test.cpp
    services/ca/ca_fixture.cpp
  LIBS tessera_softtoken tessera_directory_test_support tessera_sim_test_support
       tessera_runtime nlohmann_json::nlohmann_json Threads::Threads
  LABELS integration softtoken postgres)
add_dependencies(st_service_test tessera tessera-sim)
