// ApiDriver: the cryptographic operations, key derivation, PIN management
// and the rarely used entry points.
#include <cstring>

#include "tests/fuzz/pkcs11_fuzz_blobs.hpp"
#include "tests/fuzz/pkcs11_fuzz_driver.hpp"

namespace tessera::fuzz {
namespace {

// clang-format off
constexpr CK_MECHANISM_TYPE kOpMechanisms[] = {
    CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_OAEP, CKM_RSA_PKCS_PSS, CKM_SHA1_RSA_PKCS,
    CKM_SHA256_RSA_PKCS, CKM_SHA512_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS,
    CKM_SHA384_RSA_PKCS_PSS, CKM_ECDSA, CKM_ECDSA_SHA1, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384,
    CKM_ECDSA_SHA512, CKM_EDDSA, CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384, CKM_SHA512,
    CKM_ECDH1_DERIVE, CKM_MD5, CKM_AES_CBC};
// clang-format on

constexpr CK_MECHANISM_TYPE kHashes[] = {CKM_SHA_1,  CKM_SHA224, CKM_SHA256,
                                         CKM_SHA384, CKM_SHA512, CKM_MD5};
constexpr CK_RSA_PKCS_MGF_TYPE kMgfs[] = {CKG_MGF1_SHA1,   CKG_MGF1_SHA224, CKG_MGF1_SHA256,
                                          CKG_MGF1_SHA384, CKG_MGF1_SHA512, 0};

enum class Kind { kSign, kVerify, kEncrypt, kDecrypt, kDigest };

// A CK_MECHANISM and everything its parameter points to.
struct FuzzMechanism {
  CK_MECHANISM m{0, nullptr, 0};
  FuzzBytes param;
  FuzzBytes pointee;  // OAEP label or ECDH public point
  FuzzBytes shared;   // ECDH shared data
};

// Copies `value` into the parameter buffer; the stated length is the
// struct's, or a fuzzed one no longer than the buffer.
template <typename T>
void SetParam(FuzzMechanism& fm, const T& value, std::uint8_t length_mode) {
  fm.param.assign(sizeof(T) + 16, 0);
  std::memcpy(fm.param.data(), &value, sizeof value);
  fm.m.pParameter = fm.param.data();
  fm.m.ulParameterLen = length_mode < 0xF0 ? sizeof value : length_mode % fm.param.size();
}

void FillMechanism(ByteReader& in, FuzzMechanism& fm) {
  const std::uint8_t b = in.Byte();
  fm.m.mechanism = b < 250 ? kOpMechanisms[b % std::size(kOpMechanisms)] : in.U32();
  const std::uint8_t mode = in.Byte();
  if (mode % 8 == 7) {  // raw bytes as the parameter, whatever the mechanism
    fm.param = in.Take(in.Byte() % 64);
    fm.m.pParameter = fm.param.empty() ? nullptr : fm.param.data();
    fm.m.ulParameterLen = fm.param.size();
    return;
  }
  switch (fm.m.mechanism) {
    case CKM_RSA_PKCS_PSS:
    case CKM_SHA1_RSA_PKCS_PSS:
    case CKM_SHA256_RSA_PKCS_PSS:
    case CKM_SHA384_RSA_PKCS_PSS: {
      CK_RSA_PKCS_PSS_PARAMS p{kHashes[in.Byte() % std::size(kHashes)],
                               kMgfs[in.Byte() % std::size(kMgfs)],
                               static_cast<CK_ULONG>(in.Byte() < 200 ? in.Byte() % 70 : in.U32())};
      SetParam(fm, p, in.Byte());
      break;
    }
    case CKM_RSA_PKCS_OAEP: {
      fm.pointee = in.Take(in.Byte() % 24);
      CK_RSA_PKCS_OAEP_PARAMS p{
          kHashes[in.Byte() % std::size(kHashes)], kMgfs[in.Byte() % std::size(kMgfs)],
          in.Byte() % 4 == 0 ? 0UL : CKZ_DATA_SPECIFIED,
          fm.pointee.empty() ? nullptr : fm.pointee.data(), fm.pointee.size()};
      SetParam(fm, p, in.Byte());
      break;
    }
    case CKM_ECDH1_DERIVE: {
      const std::uint8_t point = in.Byte();
      fm.pointee = point < 200 ? TheBlobs().Point(point) : in.Take(in.Byte() % 100);
      fm.shared = in.Take(in.Byte() % 4 == 0 ? 8 : 0);
      CK_ECDH1_DERIVE_PARAMS p{in.Byte() % 8 == 0 ? static_cast<CK_ULONG>(in.Byte()) : CKD_NULL,
                               fm.shared.size(), fm.shared.empty() ? nullptr : fm.shared.data(),
                               fm.pointee.size(), fm.pointee.empty() ? nullptr : fm.pointee.data()};
      SetParam(fm, p, in.Byte());
      break;
    }
    default: break;  // no parameter
  }
}

// The output buffer of a call: NULL (a size query) or a real buffer.
struct OutBuffer {
  FuzzBytes bytes;
  CK_ULONG len = 0;
  bool null = false;
  explicit OutBuffer(ByteReader& in) {
    const std::uint8_t b = in.Byte();
    null = b == 0;
    bytes.resize(b == 0xFF ? 1024 : b * 2);
    len = bytes.size();
  }
  CK_BYTE* data() { return null || bytes.empty() ? nullptr : bytes.data(); }
};

}  // namespace

void ApiDriver::CryptoInit() {
  const Kind kind = static_cast<Kind>(in_.Byte() % 5);
  const CK_SESSION_HANDLE s = PickSession();
  FuzzMechanism fm;
  FillMechanism(in_, fm);
  CK_MECHANISM* m = (in_.Byte() & 0x3F) == 0x3F ? nullptr : &fm.m;
  const CK_OBJECT_HANDLE key = PickObject();
  switch (kind) {
    case Kind::kSign: (void)f_->C_SignInit(s, m, key); break;
    case Kind::kVerify: (void)f_->C_VerifyInit(s, m, key); break;
    case Kind::kEncrypt: (void)f_->C_EncryptInit(s, m, key); break;
    case Kind::kDecrypt: (void)f_->C_DecryptInit(s, m, key); break;
    case Kind::kDigest: (void)f_->C_DigestInit(s, m); break;
  }
  // A CKA_ALWAYS_AUTHENTICATE key wants the PIN again now.
  if (in_.Byte() % 4 == 0) {
    FuzzBytes pin = Pin();
    const CK_RV rv =
        f_->C_Login(s, CKU_CONTEXT_SPECIFIC, pin.empty() ? nullptr : pin.data(), pin.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED) changed_token_ = true;
  }
}

// step 0: the single-part call; 1: an update; 2: the final call.
void ApiDriver::CryptoData(std::uint8_t step) {
  const Kind kind = static_cast<Kind>(in_.Byte() % 5);
  const CK_SESSION_HANDLE s = PickSession();
  const std::size_t data_len = in_.Byte();
  FuzzBytes data = in_.Take(data_len * (1 + in_.Byte() % 4));
  const bool null_data = (in_.Byte() & 0x3F) == 0x3F;
  CK_BYTE* d = null_data || data.empty() ? nullptr : data.data();
  const CK_ULONG dlen = null_data && data.empty() ? 8 : data.size();
  OutBuffer out(in_);
  CK_ULONG* len = (in_.Byte() & 0x3F) == 0x3F ? nullptr : &out.len;
  FuzzBytes sig = in_.Take(in_.Byte() == 0xFF ? 256 : in_.Byte());
  CK_BYTE* sp = sig.empty() ? nullptr : sig.data();
  CK_RV rv = CKR_OK;
  switch (step) {
    case 0:
      switch (kind) {
        case Kind::kSign: rv = f_->C_Sign(s, d, dlen, out.data(), len); break;
        case Kind::kVerify: rv = f_->C_Verify(s, d, dlen, sp, sig.size()); break;
        case Kind::kEncrypt: rv = f_->C_Encrypt(s, d, dlen, out.data(), len); break;
        case Kind::kDecrypt: rv = f_->C_Decrypt(s, d, dlen, out.data(), len); break;
        case Kind::kDigest: rv = f_->C_Digest(s, d, dlen, out.data(), len); break;
      }
      break;
    case 1:
      switch (kind) {
        case Kind::kSign: rv = f_->C_SignUpdate(s, d, dlen); break;
        case Kind::kVerify: rv = f_->C_VerifyUpdate(s, d, dlen); break;
        case Kind::kEncrypt: rv = f_->C_EncryptUpdate(s, d, dlen, out.data(), len); break;
        case Kind::kDecrypt: rv = f_->C_DecryptUpdate(s, d, dlen, out.data(), len); break;
        case Kind::kDigest: rv = f_->C_DigestUpdate(s, d, dlen); break;
      }
      break;
    default:
      switch (kind) {
        case Kind::kSign: rv = f_->C_SignFinal(s, out.data(), len); break;
        case Kind::kVerify: rv = f_->C_VerifyFinal(s, sp, sig.size()); break;
        case Kind::kEncrypt: rv = f_->C_EncryptFinal(s, out.data(), len); break;
        case Kind::kDecrypt: rv = f_->C_DecryptFinal(s, out.data(), len); break;
        case Kind::kDigest: rv = f_->C_DigestFinal(s, out.data(), len); break;
      }
      break;
  }
  // §5.2: an output fits the buffer it was written to; a short buffer is
  // CKR_BUFFER_TOO_SMALL with the length needed.
  if (len != nullptr && !out.null && !out.bytes.empty()) {
    const CK_ULONG room = out.bytes.size();
    Require(rv != CKR_OK || out.len <= room, "output longer than its buffer");
    Require(rv != CKR_BUFFER_TOO_SMALL || out.len > room, "CKR_BUFFER_TOO_SMALL but it fits");
  }
}

void ApiDriver::Derive() {
  const CK_SESSION_HANDLE s = PickSession();
  FuzzMechanism fm;
  FillMechanism(in_, fm);
  if (in_.Byte() % 2 == 0) {  // mostly ECDH with a good point
    fm = FuzzMechanism();
    fm.pointee = TheBlobs().Point(in_.Byte());
    CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, fm.pointee.size(), fm.pointee.data()};
    fm.m.mechanism = CKM_ECDH1_DERIVE;
    fm.param.assign(sizeof p, 0);
    std::memcpy(fm.param.data(), &p, sizeof p);
    fm.m.pParameter = fm.param.data();
    fm.m.ulParameterLen = sizeof p;
  }
  const CK_OBJECT_HANDLE base = PickObject();
  FuzzTemplate t = Template();
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  if (f_->C_DeriveKey(s, &fm.m, base, t.data(), t.size(), &h) == CKR_OK) Remember(h);
}

void ApiDriver::PinManagement() {
  changed_token_ = true;
  const CK_SESSION_HANDLE s = PickSession();
  FuzzBytes a = Pin();
  FuzzBytes b = Pin();
  CK_UTF8CHAR* pa = a.empty() ? nullptr : a.data();
  CK_UTF8CHAR* pb = b.empty() ? nullptr : b.data();
  switch (in_.Byte() % 3) {
    case 0: (void)f_->C_InitPIN(s, pa, a.size()); break;
    case 1: (void)f_->C_SetPIN(s, pa, a.size(), pb, b.size()); break;
    default: {
      CK_UTF8CHAR label[32];
      std::memset(label, ' ', sizeof label);
      const CK_SLOT_ID slot = PickSlot();
      (void)f_->C_InitToken(slot, pa, a.size(), in_.Byte() % 4 == 0 ? nullptr : label);
      break;
    }
  }
}

void ApiDriver::Misc() {
  const CK_SESSION_HANDLE s = PickSession();
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  CK_ULONG n = 0;
  switch (in_.Byte() % 8) {
    case 0: {
      FuzzTemplate t = Template();
      (void)f_->C_CopyObject(s, PickObject(), t.data(), t.size(), &h);
      break;
    }
    case 1: (void)f_->C_GetObjectSize(s, PickObject(), &n); break;
    case 2: {
      FuzzBytes buf(in_.Byte() * 8);
      (void)f_->C_GenerateRandom(s, buf.empty() ? nullptr : buf.data(), buf.size());
      break;
    }
    case 3: {
      FuzzBytes seed = in_.Take(in_.Byte() % 16);
      (void)f_->C_SeedRandom(s, seed.empty() ? nullptr : seed.data(), seed.size());
      break;
    }
    case 4: (void)f_->C_CloseAllSessions(PickSlot()); break;
    case 5: {
      FuzzMechanism fm;
      FillMechanism(in_, fm);
      FuzzTemplate t = Template();
      (void)f_->C_GenerateKey(s, &fm.m, t.data(), t.size(), &h);
      break;
    }
    case 6: {
      CK_SLOT_ID slot = 0;
      (void)f_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr);
      (void)f_->C_GetFunctionStatus(s);
      (void)f_->C_CancelFunction(s);
      break;
    }
    default: {
      CK_INFO info;
      (void)f_->C_GetInfo(&info);
      (void)f_->C_DigestKey(s, PickObject());
      break;
    }
  }
}

}  // namespace tessera::fuzz
