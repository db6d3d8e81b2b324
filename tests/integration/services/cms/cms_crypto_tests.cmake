# Issue 13 (seed 000): the CMS's pure crypto and format code
# (services/cms/crypto.cmake): the E-form payloads, and the attestation check
# against a real tessera-sim's tokens. RFC 8785 and JWS compact are tested
# with services/jose (services/jose/jose_tests.cmake).
tessera_add_gtest(cms_crypto_test
  SOURCES
    services/cms/eform_test.cpp
  LIBS tessera_cms_crypto
  LABELS cms)

tessera_add_gtest(cms_attestation_test
  SOURCES services/cms/attestation_test.cpp
  LIBS tessera_cms_crypto tessera_sim_test_support Threads::Threads
  LABELS cms integration)
# The test starts the binary: build it first.
add_dependencies(cms_attestation_test tessera-sim)
