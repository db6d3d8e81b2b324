# pkcs11-tool and the openssl CLI against the module: listings, key
# generation, signatures verified by openssl, OAEP, certificates, --test.
tessera_add_gtest(pkcs11_tool_integration_test
  SOURCES
    pkcs11/tool_crypto_test.cpp
    pkcs11/tool_fixture.cpp
    pkcs11/tool_keygen_test.cpp
    pkcs11/tool_listing_test.cpp
    pkcs11/tool_objects_test.cpp
  LIBS tessera_p11_test_support
  LABELS integration pkcs11)
add_dependencies(pkcs11_tool_integration_test tessera-pkcs11 tessera-sim)
