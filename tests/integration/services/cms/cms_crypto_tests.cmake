# Issue 13 (seed 000): the CMS's pure crypto and format code
# (services/cms/crypto.cmake): the E-form payloads. RFC 8785 and JWS compact
# are tested with services/jose (services/jose/jose_tests.cmake), the
# attestation check with services/trust (services/trust/trust_tests.cmake).
tessera_add_gtest(cms_crypto_test
  SOURCES
    services/cms/eform_test.cpp
  LIBS tessera_cms_crypto
  LABELS cms)
