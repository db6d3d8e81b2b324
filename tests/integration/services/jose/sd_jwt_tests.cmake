# The soft token's formats (services/jose, issue 15): P-256 JWKs, SD-JWT VC
# (RFC 9901 and draft-ietf-oauth-sd-jwt-vc) with its RFC examples, and the
# Token Status List (draft-ietf-oauth-status-list) with the draft's vectors.
tessera_add_gtest(sd_jwt_test
  SOURCES
    services/jose/sd_jwt_rfc_test.cpp
    services/jose/sd_jwt_test.cpp
    services/jose/sd_jwt_refusal_test.cpp
    services/jose/sd_jwt_status_list_test.cpp
    services/jose/sd_jwt_fixture.cpp
    services/jose/jws_key_signer.cpp
  LIBS tessera_jose
  LABELS jose softtoken)
