# tessera_cms: the CMS service and its routes (docs/cms-api.md).
add_library(tessera_cms STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_activate.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_bind.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_common.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_eform_flow.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_inventory.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_people.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_revoke.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_routes.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cms_service.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/key_delivery.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/openapi.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/receipt.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/users_csv.cpp
)
target_include_directories(tessera_cms PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(tessera_cms
  PUBLIC tessera_cms_crypto tessera_ca tessera_directory tessera_audit tessera_http tessera_hsm
  PRIVATE nlohmann_json::nlohmann_json)
