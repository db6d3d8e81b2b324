# PKCS#11 C API tests: tessera-pkcs11.so dlopen'ed (LoadedModule) against a
# real tessera-sim, with OpenSSL checking every result independently.
add_library(tessera_p11_api_test_support STATIC
  pkcs11/api_entry_points.cpp
  pkcs11/api_fixture.cpp
  pkcs11/api_openssl.cpp
)
target_link_libraries(tessera_p11_api_test_support PUBLIC tessera_p11_test_support
                      OpenSSL::Crypto GTest::gtest)

tessera_add_gtest(pkcs11_api_test
  SOURCES
    pkcs11/api_crypto_test.cpp
    pkcs11/api_login_test.cpp
    pkcs11/api_misuse_test.cpp
    pkcs11/api_objects_test.cpp
    pkcs11/api_removal_test.cpp
    pkcs11/api_slot_event_test.cpp
    pkcs11/api_sign_test.cpp
  LIBS tessera_p11_api_test_support tessera_p11_test_support OpenSSL::Crypto GTest::gmock
  LABELS integration pkcs11)
add_dependencies(pkcs11_api_test tessera-pkcs11 tessera-sim)
