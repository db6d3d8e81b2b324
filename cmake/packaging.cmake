# Debian packages with CPack's DEB generator (docs/packaging.md). Included
# at the end of the top CMakeLists.txt, once every target exists.
# scripts/package builds them; by hand, after building the product targets:
#
#   cpack --config build/package/CPackConfig.cmake -B build/package/packages
#
# Four packages, one per CPack component group:
#   tessera-pkcs11  components pkcs11 (pkcs11/install.cmake), udev (udev/) and
#                   pkcs11-extra (its example config and man pages, below)
#   tessera-tools   component tools: tessera, tessera-sim-demo
#   tessera-sim     component sim: tessera-sim and its systemd user unit
#   tesserad        component tesserad: the daemon, unit, sysusers, tmpfiles
# Files that only packages carry (units, example configurations, maintainer
# scripts, copyright) are under packaging/, the man pages under man/.
include(GNUInstallDirs)

set(tessera_pkg_dir "${PROJECT_SOURCE_DIR}/packaging")
set(tessera_pkg_out "${PROJECT_BINARY_DIR}/packaging")
file(MAKE_DIRECTORY "${tessera_pkg_out}")

# Debian wants man pages and changelogs compressed with `gzip -9n` (no name
# or time stamp, so the package is reproducible). They are compressed at
# configure time; editing a source re-runs the configure step.
function(_tessera_gzip source out_var)
  get_filename_component(name "${source}" NAME)
  set(out "${tessera_pkg_out}/gz/${name}.gz")
  file(MAKE_DIRECTORY "${tessera_pkg_out}/gz")
  execute_process(COMMAND gzip -9n -c "${source}" OUTPUT_FILE "${out}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${source} failed: ${rc}")
  endif()
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${source}")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# man/<name>.<section> -> share/man/man<section>/<name>.<section>.gz
function(_tessera_install_man component)
  foreach(page IN LISTS ARGN)
    string(REGEX MATCH "[0-9]$" section "${page}")
    _tessera_gzip("${PROJECT_SOURCE_DIR}/man/${page}" gz)
    install(FILES "${gz}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}" COMPONENT ${component})
  endforeach()
endfunction()

# /usr/share/doc/<package>/{copyright,changelog.Debian.gz}, which Debian
# policy (§12.5, §12.7) wants in every binary package.
_tessera_gzip("${tessera_pkg_dir}/changelog.Debian" tessera_changelog_gz)
# A package's lintian overrides, when it has any: packaging/<package>/lintian-overrides.
function(_tessera_install_doc component package)
  install(FILES "${tessera_pkg_dir}/copyright" "${tessera_changelog_gz}"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}" COMPONENT ${component})
  if(EXISTS "${tessera_pkg_dir}/${package}/lintian-overrides")
    install(FILES "${tessera_pkg_dir}/${package}/lintian-overrides"
            DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides" RENAME ${package}
            COMPONENT ${component})
  endif()
endfunction()

# Configuration examples go to /etc whatever the prefix (they are conffiles).
set(TESSERA_SYSCONF_DIR "/etc/tessera" CACHE STRING "Where tessera.conf and tesserad.conf are installed")
set(TESSERA_SYSTEMD_SYSTEM_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where tesserad.service goes (relative to the prefix, or absolute)")
set(TESSERA_SYSTEMD_USER_UNIT_DIR "lib/systemd/user" CACHE STRING
    "Where the tessera-sim user unit goes (relative to the prefix, or absolute)")
set(TESSERA_BASH_COMPLETION_DIR "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions" CACHE STRING
    "Where the bash completion files go")

# --- tessera-pkcs11 ----------------------------------------------------------
install(FILES "${tessera_pkg_dir}/tessera-pkcs11/tessera.conf"
        DESTINATION "${TESSERA_SYSCONF_DIR}" COMPONENT pkcs11-extra)
_tessera_install_man(pkcs11-extra tessera-pkcs11.8 tessera.conf.5)
_tessera_install_doc(pkcs11-extra tessera-pkcs11)

# --- tessera-tools -----------------------------------------------------------
install(TARGETS tessera tessera-sim-demo RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT tools)
_tessera_install_man(tools tessera.1 tessera-sim-demo.1)
install(FILES "${PROJECT_SOURCE_DIR}/tools/completion/tessera"
        DESTINATION "${TESSERA_BASH_COMPLETION_DIR}" COMPONENT tools)
_tessera_install_doc(tools tessera-tools)

# --- tessera-sim -------------------------------------------------------------
install(TARGETS tessera-sim RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT sim)
_tessera_install_man(sim tessera-sim.1)
install(FILES "${PROJECT_SOURCE_DIR}/tools/completion/tessera-sim"
        DESTINATION "${TESSERA_BASH_COMPLETION_DIR}" COMPONENT sim)
install(FILES "${tessera_pkg_dir}/tessera-sim/tessera-sim.service"
        DESTINATION "${TESSERA_SYSTEMD_USER_UNIT_DIR}" COMPONENT sim)
_tessera_install_doc(sim tessera-sim)

# --- tesserad ----------------------------------------------------------------
install(TARGETS tesserad RUNTIME DESTINATION "${CMAKE_INSTALL_SBINDIR}" COMPONENT tesserad)
_tessera_install_man(tesserad tesserad.8)
install(FILES "${tessera_pkg_dir}/tesserad/tesserad.service"
        DESTINATION "${TESSERA_SYSTEMD_SYSTEM_UNIT_DIR}" COMPONENT tesserad)
install(FILES "${tessera_pkg_dir}/tesserad/tesserad.sysusers"
        DESTINATION "lib/sysusers.d" RENAME tesserad.conf COMPONENT tesserad)
install(FILES "${tessera_pkg_dir}/tesserad/tesserad.tmpfiles"
        DESTINATION "lib/tmpfiles.d" RENAME tesserad.conf COMPONENT tesserad)
install(FILES "${tessera_pkg_dir}/tesserad/tesserad.conf"
        DESTINATION "${TESSERA_SYSCONF_DIR}" COMPONENT tesserad)
_tessera_install_doc(tesserad tesserad)

# --- CPack ---------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "tessera")
set(CPACK_PACKAGE_VENDOR "Tessera")
set(CPACK_PACKAGE_CONTACT "Tessera maintainers <maintainers@users.noreply.b-seed-a05b92af.example>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://tessera.invalid/")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Stage with DESTDIR and the real prefix: tessera.module names the module by
# its absolute path (pkcs11/install.cmake), and the conffiles live in /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL pkcs11 udev pkcs11-extra tools sim tesserad)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# dpkg's conventions for the data: root-owned files, maintainer scripts 0755,
# control files 0644, whatever the umask of the build.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Stripped binaries in the packages; their DWARF in <package>-dbgsym .ddeb
# files beside them, by build ID (the module is 28 MB with it, 1.1 MB
# without). CPack splits only unstripped files, so CPACK_STRIP_FILES stays off.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)

include(CPackComponent)
cpack_add_component_group(tessera-pkcs11)
cpack_add_component_group(tessera-tools)
cpack_add_component_group(tessera-sim)
cpack_add_component_group(tesserad)
cpack_add_component(pkcs11 GROUP tessera-pkcs11)
cpack_add_component(udev GROUP tessera-pkcs11)
cpack_add_component(pkcs11-extra GROUP tessera-pkcs11)
cpack_add_component(tools GROUP tessera-tools)
cpack_add_component(sim GROUP tessera-sim)
cpack_add_component(tesserad GROUP tesserad)

# Per-package settings; CPack names them by the group in upper case.
macro(_tessera_deb package section description)
  string(TOUPPER "${package}" up)
  set(CPACK_DEBIAN_${up}_PACKAGE_NAME "${package}")
  set(CPACK_DEBIAN_${up}_PACKAGE_SECTION "${section}")
  set(CPACK_DEBIAN_${up}_DESCRIPTION "${description}")
  set(CPACK_DEBIAN_${up}_FILE_NAME DEB-DEFAULT)
endmacro()

_tessera_deb(tessera-pkcs11 libs
  "PKCS#11 module for PIV smart cards and USB tokens
tessera-pkcs11.so shows each PIV smart card, USB token and Tessera simulator
token as a PKCS#11 slot, for NSS (Firefox), OpenSSL, GnuTLS, OpenSSH, Java
and every program that loads modules through p11-kit.
.
The package registers the module with p11-kit and installs udev rules that
let the logged-in user open USB tokens.")
set(CPACK_DEBIAN_TESSERA-PKCS11_PACKAGE_RECOMMENDS "p11-kit-modules")
set(CPACK_DEBIAN_TESSERA-PKCS11_PACKAGE_SUGGESTS "pcscd, tessera-sim")
set(CPACK_DEBIAN_TESSERA-PKCS11_PACKAGE_CONTROL_EXTRA "${tessera_pkg_dir}/tessera-pkcs11/conffiles")

_tessera_deb(tessera-tools utils
  "command-line tool for Tessera tokens and the issuance services
tessera lists and activates tokens, personalizes them and replaces their
master keys, and administers the Tessera CA, card management system,
registration gateway and soft-token service. tessera-sim-demo drives a
simulated token through the PIV client.")
set(CPACK_DEBIAN_TESSERA-TOOLS_PACKAGE_RECOMMENDS "tessera-pkcs11, softhsm2")

_tessera_deb(tessera-sim utils
  "software PIV token simulator
tessera-sim runs simulated PIV tokens with their card OS, persistent state
and a control socket. The Tessera PKCS#11 module finds them through their
UNIX sockets, and PC/SC programs through vsmartcard's vpcd. A systemd user
unit starts it for a session.")
set(CPACK_DEBIAN_TESSERA-SIM_PACKAGE_SUGGESTS "tessera-pkcs11")

_tessera_deb(tesserad net
  "Tessera issuance daemon (CA, CMS, registration, soft tokens)
tesserad serves the Tessera issuance services over HTTPS: a CA with its key
in an HSM, the card management system, the registration gateway and the
soft-token service. It keeps its data in SQLite or PostgreSQL and its keys
in a PKCS#11 HSM (SoftHSM2 by default).
.
The package installs a hardened systemd unit running as the tesserad
user; it is not enabled until it is configured.")
# postinst runs systemd-sysusers and deb-systemd-helper; dpkg-shlibdeps adds
# the libraries to this list.
set(CPACK_DEBIAN_TESSERAD_PACKAGE_DEPENDS
    "systemd | systemd-standalone-sysusers | systemd-sysusers, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_TESSERAD_PACKAGE_RECOMMENDS "softhsm2, tessera-tools")
set(CPACK_DEBIAN_TESSERAD_PACKAGE_CONTROL_EXTRA
    "${tessera_pkg_dir}/tesserad/conffiles;${tessera_pkg_dir}/tesserad/postinst;${tessera_pkg_dir}/tesserad/prerm;${tessera_pkg_dir}/tesserad/postrm")

include(CPack)

# The install test of the built packages (tests/packaging/install_test.sh):
# `scripts/package --test` runs it after cpack; in any other build there
# are no packages and it reports skipped.
add_test(NAME packaging_install COMMAND bash ${PROJECT_SOURCE_DIR}/tests/packaging/install_test.sh)
set_tests_properties(packaging_install PROPERTIES
  LABELS packaging
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  ENVIRONMENT "TESSERA_PACKAGES=${PROJECT_BINARY_DIR}/packages")
