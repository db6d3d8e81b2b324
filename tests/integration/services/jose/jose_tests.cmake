# The shared JOSE library (services/jose): RFC 8785 canonical JSON and JWS
# compact with OpenSSL keys. Label cms too: the CMS's E-forms rest on it.
tessera_add_gtest(jose_test
  SOURCES
    services/jose/jcs_test.cpp
    services/jose/jws_test.cpp
    services/jose/jws_key_signer.cpp
  LIBS tessera_jose
  LABELS jose cms)
