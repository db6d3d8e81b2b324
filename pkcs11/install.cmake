# Install rules for tessera-pkcs11.so and its p11-kit module file, component
# "pkcs11" (docs/pkcs11-logging-and-install.md). Included at the end of
# pkcs11/CMakeLists.txt, once the tessera-pkcs11 target exists.
#
#   cmake --install build/release --component pkcs11 --prefix /usr
#     -> /usr/lib/<multiarch>/pkcs11/tessera-pkcs11.so
#     -> /usr/share/p11-kit/modules/tessera.module  ("module: <that .so>")
include(GNUInstallDirs)

# p11-kit looks for modules in <its libdir>/pkcs11, and on a multiarch system
# (Debian) that libdir is lib/<tuple> whatever our prefix is. GNUInstallDirs
# picks lib/<tuple> only for the prefix /usr, so follow p11-kit's layout here.
if(CMAKE_LIBRARY_ARCHITECTURE AND CMAKE_INSTALL_LIBDIR STREQUAL "lib")
  set(tessera_pkcs11_dir_default "lib/${CMAKE_LIBRARY_ARCHITECTURE}/pkcs11")
else()
  set(tessera_pkcs11_dir_default "${CMAKE_INSTALL_LIBDIR}/pkcs11")
endif()
set(TESSERA_PKCS11_MODULE_DIR "${tessera_pkcs11_dir_default}" CACHE STRING
    "Where tessera-pkcs11.so is installed (relative to the install prefix, or absolute)")
set(TESSERA_P11KIT_MODULE_CONFIG_DIR "${CMAKE_INSTALL_DATADIR}/p11-kit/modules" CACHE STRING
    "Where tessera.module is installed (relative to the install prefix, or absolute)")

install(TARGETS tessera-pkcs11
        LIBRARY DESTINATION "${TESSERA_PKCS11_MODULE_DIR}" COMPONENT pkcs11)

# tessera.module names the installed .so by absolute path, so it is written at
# install time, when the prefix is known (`cmake --install --prefix` may
# differ from the configured one). DESTDIR is a staging root and stays out of
# the path; file(INSTALL) adds it to the destination only.
install(CODE "
  set(tessera_module_template \"${CMAKE_CURRENT_SOURCE_DIR}/tessera.module.in\")
  set(tessera_module_generated \"${CMAKE_CURRENT_BINARY_DIR}/p11-kit/tessera.module\")
  set(tessera_module_lib_dir \"${TESSERA_PKCS11_MODULE_DIR}\")
  set(tessera_module_config_dir \"${TESSERA_P11KIT_MODULE_CONFIG_DIR}\")
  set(tessera_module_file_name \"$<TARGET_FILE_NAME:tessera-pkcs11>\")
" COMPONENT pkcs11)
install(CODE [[
  foreach(dir IN ITEMS tessera_module_lib_dir tessera_module_config_dir)
    if(NOT IS_ABSOLUTE "${${dir}}")
      set(${dir} "${CMAKE_INSTALL_PREFIX}/${${dir}}")
    endif()
  endforeach()
  set(TESSERA_MODULE_PATH "${tessera_module_lib_dir}/${tessera_module_file_name}")
  configure_file("${tessera_module_template}" "${tessera_module_generated}" @ONLY)
  file(INSTALL DESTINATION "${tessera_module_config_dir}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${tessera_module_generated}")
]] COMPONENT pkcs11)

# Say where p11-kit itself reads module files, when ours will not be among them.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(TESSERA_P11KIT_SYSTEM_CONFIGS p11-kit-1 p11_module_configs)
  set(tessera_config_dir_full "${TESSERA_P11KIT_MODULE_CONFIG_DIR}")
  if(NOT IS_ABSOLUTE "${tessera_config_dir_full}")
    set(tessera_config_dir_full "${CMAKE_INSTALL_PREFIX}/${tessera_config_dir_full}")
  endif()
  if(TESSERA_P11KIT_SYSTEM_CONFIGS AND
     NOT tessera_config_dir_full STREQUAL TESSERA_P11KIT_SYSTEM_CONFIGS)
    message(STATUS "tessera-pkcs11: p11-kit reads ${TESSERA_P11KIT_SYSTEM_CONFIGS}; "
                   "tessera.module goes to ${tessera_config_dir_full} "
                   "(install with --prefix /usr, or see docs/pkcs11-logging-and-install.md)")
  endif()
endif()

# The install test: `cmake --install` into a temporary prefix, then p11-kit
# loads the module from there. Not built by anything: it needs tessera-pkcs11.
if(NOT TESSERA_FUZZ)
  set(tessera_install_test_preload "")
  if(TESSERA_SANITIZE MATCHES "address")
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE tessera_install_test_preload OUTPUT_STRIP_TRAILING_WHITESPACE)
  elseif(TESSERA_SANITIZE MATCHES "thread")
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libtsan.so
                    OUTPUT_VARIABLE tessera_install_test_preload OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
  add_test(NAME pkcs11_install
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/integration/pkcs11/install_test.sh)
  set_tests_properties(pkcs11_install PROPERTIES
    LABELS "integration;pkcs11"
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    ENVIRONMENT
      "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_CMAKE=${CMAKE_COMMAND};TESSERA_BUILT_MODULE=$<TARGET_FILE:tessera-pkcs11>;TESSERA_SANITIZE=${TESSERA_SANITIZE};TESSERA_SANITIZER_PRELOAD=${tessera_install_test_preload}")
endif()
