# tessera_registration: the registration gateway and its routes.
find_package(nlohmann_json 3 REQUIRED)
add_library(tessera_registration STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/config_doc.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/openapi.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_admin.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_common.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_credential.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_login.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_forward.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_records.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_register.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/reg_routes.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/registration_service.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/session_key_cache.cpp
)
target_include_directories(tessera_registration PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(tessera_registration
  PUBLIC tessera_jose tessera_ca tessera_directory tessera_audit tessera_http tessera_hsm
         tessera_reg_forwarder
  PRIVATE nlohmann_json::nlohmann_json)
