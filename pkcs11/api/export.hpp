// The module exports only the C_* entry points (DESIGN.md: hidden visibility
// plus the version script tessera-pkcs11.map), so its C++ internals never
// clash with a host process that brings its own (Firefox, OpenSSL).
#pragma once

#define TESSERA_P11_EXPORT extern "C" __attribute__((visibility("default")))
