// Every entry point of CK_FUNCTION_LIST (PKCS#11 2.40 §5.2) as a table row
// the api_misuse tests call with made-up arguments: each row knows which
// handle its function checks first, so one table answers "before
// C_Initialize", "bad session", "bad slot". EntryArgs keeps every pointer valid.
// Plain data; one test thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "pkcs11/api/pkcs11_3_0.h"

namespace tessera::testing {

// What the arguments of a call refer to; pointers always point somewhere real.
struct EntryArgs {
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE session = 0;
  CK_OBJECT_HANDLE object = 0;
  CK_MECHANISM mechanism{CKM_SHA256, nullptr, 0};
  Bytes buf = Bytes(512, 0x5A);
  CK_ULONG len = 512;
  CK_ATTRIBUTE attr{CKA_LABEL, nullptr, 0};
  CK_OBJECT_HANDLE out = 0;
  CK_OBJECT_HANDLE out2 = 0;
  std::string pin = "123456";

  CK_BYTE* b() { return buf.data(); }
  CK_UTF8CHAR* p() { return reinterpret_cast<CK_UTF8CHAR*>(pin.data()); }
  CK_ULONG* l() {
    len = buf.size();
    return &len;
  }
};

// Which handle an entry point checks first once the library is initialized.
enum class EntryKind { kGeneral, kSlot, kSession, kUnsupported, kParallel };

struct EntryPoint {
  const char* name;
  EntryKind kind;
  std::function<CK_RV(CK_FUNCTION_LIST*, EntryArgs&)> call;
};

std::vector<EntryPoint> AllEntryPoints();

}  // namespace tessera::testing
