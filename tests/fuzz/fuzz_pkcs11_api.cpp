// Fuzzes the PKCS#11 C API of tessera-pkcs11 (linked in, not dlopen'ed) with
// call sequences against a real tessera-sim (pkcs11_fuzz_sim.hpp).
//
// Input: a stream of operations. Each starts with an opcode byte; the
// operation then reads what it needs (handles, mechanisms, templates, data,
// buffer sizes) from the bytes that follow, and zeros once they run out.
// Every input runs between C_Initialize and C_Finalize; an input that may
// have changed the card (PINs, keys, certificates, removal) is followed by
// a token reset, so every input starts from the same card. Each pointer the
// fuzzer hands the module points at memory of the length it claims: any
// ASan report is the module's. RSA 3072/4096 generation is skipped as too slow.
#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "tests/fuzz/pkcs11_fuzz_driver.hpp"
#include "tests/fuzz/pkcs11_fuzz_sim.hpp"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  tessera::fuzz::FuzzSim::Get();
  tessera::fuzz::FuzzSim::Get().ResetToken();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tessera::fuzz::FuzzSim& sim = tessera::fuzz::FuzzSim::Get();
  CK_FUNCTION_LIST* f = nullptr;
  if (C_GetFunctionList(&f) != CKR_OK || f->C_Initialize(nullptr) != CKR_OK) std::abort();
  tessera::fuzz::ApiDriver driver(f, data, size);
  driver.Run();
  if (f->C_Finalize(nullptr) != CKR_OK) std::abort();
  if (driver.changed_token()) sim.ResetToken();
  sim.CheckAlive();
  return 0;
}
