# tessera_reg_forwarder: the registration gateway's HTTP/1.1 client to the
# application servers it forwards session requests to (app_forwarder.hpp),
# on Boost.Beast and OpenSSL. Apart from the service so that its tests need
# only an application server, not a gateway.
find_package(Boost 1.81 REQUIRED)

add_library(tessera_reg_forwarder STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/app_forwarder.cpp
)
target_include_directories(tessera_reg_forwarder PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(tessera_reg_forwarder
  PUBLIC tessera_common
  PRIVATE Boost::headers OpenSSL::SSL Threads::Threads)
target_compile_definitions(tessera_reg_forwarder PRIVATE BOOST_ASIO_NO_DEPRECATED)
