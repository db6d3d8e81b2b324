# Issue 15: the soft token's formats in services/jose (SD-JWT VC
# presentations, Disclosures, the Token Status List and its token, P-256
# JWKs). Included from tests/fuzz/CMakeLists.txt.
tessera_add_fuzzer(fuzz_sd_jwt sd_jwt_fuzz.cpp)
target_link_libraries(fuzz_sd_jwt PRIVATE tessera_jose)
