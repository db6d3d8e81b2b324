# tessera_cms_crypto: the CMS's pure crypto and format code (seed 000): the
# E-form payloads, on RFC 8785 canonical JSON and JWS compact
# (services/jose). The token attestation check is services/trust's. No I/O,
# no HSM, no directory: the service links it.
find_package(nlohmann_json 3 REQUIRED)

add_library(tessera_cms_crypto STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/eform.cpp
)
target_include_directories(tessera_cms_crypto PUBLIC ${PROJECT_SOURCE_DIR})
# The CMS signs and reads its forms with tessera_jose and checks tokens with
# tessera_trust: its users do too.
target_link_libraries(tessera_cms_crypto
  PUBLIC tessera_jose tessera_trust tessera_common nlohmann_json::nlohmann_json OpenSSL::Crypto)
