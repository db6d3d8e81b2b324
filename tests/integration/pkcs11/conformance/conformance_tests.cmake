# The PKCS#11 conformance suite: the rules of the PKCS#11 3.0 base
# specification, modelled on google/pkcs11test and OpenSC's p11test, each
# test on a fresh tessera-sim token, with the card inventory as the judge of
# "nothing left behind" and OpenSSL as the judge of every result.
tessera_add_gtest(pkcs11_conformance_test
  SOURCES
    pkcs11/conformance/card_inventory.cpp
    pkcs11/conformance/cipher_aes_test.cpp
    pkcs11/conformance/cipher_des3_rsa_test.cpp
    pkcs11/conformance/cipher_fixture.cpp
    pkcs11/conformance/cipher_rules_test.cpp
    pkcs11/conformance/ck_names.cpp
    pkcs11/conformance/conformance_fixture.cpp
    pkcs11/conformance/derive_test.cpp
    pkcs11/conformance/digest_test.cpp
    pkcs11/conformance/info_test.cpp
    pkcs11/conformance/init_test.cpp
    pkcs11/conformance/key_package_test.cpp
    pkcs11/conformance/keypair_test.cpp
    pkcs11/conformance/login_test.cpp
    pkcs11/conformance/mac_test.cpp
    pkcs11/conformance/misuse_crypto_test.cpp
    pkcs11/conformance/misuse_fixture.cpp
    pkcs11/conformance/misuse_general_test.cpp
    pkcs11/conformance/mutex_test.cpp
    pkcs11/conformance/object_templates.cpp
    pkcs11/conformance/object_test.cpp
    pkcs11/conformance/params_test.cpp
    pkcs11/conformance/pkcs11_tool_test.cpp
    pkcs11/conformance/random_test.cpp
    pkcs11/conformance/reference_crypto.cpp
    pkcs11/conformance/session_object_classes_test.cpp
    pkcs11/conformance/session_object_test.cpp
    pkcs11/conformance/session_test.cpp
    pkcs11/conformance/sign_mechanisms_test.cpp
    pkcs11/conformance/sign_test.cpp
    pkcs11/conformance/unwrap_token_test.cpp
    pkcs11/conformance/token_secret_key_test.cpp
    pkcs11/conformance/wrap_test.cpp
  LIBS tessera_p11_api_test_support tessera_p11_test_support OpenSSL::Crypto GTest::gmock
  LABELS integration pkcs11 conformance)
add_dependencies(pkcs11_conformance_test tessera-pkcs11 tessera-sim)
