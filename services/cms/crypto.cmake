# tessera_cms_crypto: the CMS's pure crypto and format code (seed 000):
# RFC 8785 canonical JSON, JWS compact, the E-form payloads and the token
# attestation check. No I/O, no HSM, no directory: the service links it.
find_package(nlohmann_json 3 REQUIRED)

add_library(tessera_cms_crypto STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/attestation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/eform.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/jcs.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/jws.cpp
)
target_include_directories(tessera_cms_crypto PUBLIC ${PROJECT_SOURCE_DIR})
# jcs.hpp takes an nlohmann::json, so the JSON library is public.
target_link_libraries(tessera_cms_crypto
  PUBLIC tessera_common nlohmann_json::nlohmann_json OpenSSL::Crypto)
