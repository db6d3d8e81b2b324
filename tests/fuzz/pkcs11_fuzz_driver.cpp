#include "tests/fuzz/pkcs11_fuzz_driver.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/fuzz/pkcs11_fuzz_blobs.hpp"
#include "tests/fuzz/pkcs11_fuzz_sim.hpp"

namespace tessera::fuzz {
namespace {

constexpr int kMaxSteps = 48;

FuzzBytes Text(const std::string& s) { return FuzzBytes(s.begin(), s.end()); }

FuzzBytes Ulong(CK_ULONG v) {
  FuzzBytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

// Packed by hand: clang-format would give each entry its own line.
// clang-format off
constexpr CK_ATTRIBUTE_TYPE kAttrTypes[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_LABEL, CKA_VALUE, CKA_CERTIFICATE_TYPE, CKA_ISSUER,
    CKA_SERIAL_NUMBER, CKA_KEY_TYPE, CKA_SUBJECT, CKA_ID, CKA_SENSITIVE, CKA_ENCRYPT, CKA_DECRYPT,
    CKA_SIGN, CKA_VERIFY, CKA_DERIVE, CKA_MODULUS, CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT,
    CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2,
    CKA_COEFFICIENT, CKA_PUBLIC_KEY_INFO, CKA_VALUE_LEN, CKA_EXTRACTABLE, CKA_LOCAL,
    CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_KEY_GEN_MECHANISM, CKA_MODIFIABLE,
    CKA_COPYABLE, CKA_DESTROYABLE, CKA_EC_PARAMS, CKA_EC_POINT, CKA_ALWAYS_AUTHENTICATE,
    CKA_ALLOWED_MECHANISMS};

constexpr CK_MECHANISM_TYPE kMechanisms[] = {
    CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_OAEP, CKM_RSA_PKCS_PSS,
    CKM_SHA1_RSA_PKCS, CKM_SHA224_RSA_PKCS, CKM_SHA256_RSA_PKCS, CKM_SHA384_RSA_PKCS,
    CKM_SHA512_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKM_SHA224_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS,
    CKM_SHA384_RSA_PKCS_PSS, CKM_SHA512_RSA_PKCS_PSS, CKM_EC_KEY_PAIR_GEN, CKM_ECDSA,
    CKM_ECDSA_SHA1, CKM_ECDSA_SHA224, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384, CKM_ECDSA_SHA512,
    CKM_ECDH1_DERIVE, CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA,
    0x1056 /* CKM_EC_MONTGOMERY_KEY_PAIR_GEN */, CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384,
    CKM_SHA512, CKM_MD5, CKM_AES_CBC};

constexpr CK_ULONG kUlongs[] = {
    0, 1, 2, 3, 4, 0x10, 0x40, 0x41, 1024, 2048, 1000, 255, 256, CK_UNAVAILABLE_INFORMATION};
// clang-format on

}  // namespace

void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz_pkcs11_api: broken rule: %s\n", what);
  std::abort();
}

std::uint32_t ByteReader::U32() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | Byte();
  return v;
}

FuzzBytes ByteReader::Take(std::size_t n) {
  n = std::min(n, size_ - std::min(at_, size_));
  FuzzBytes out(data_ + at_, data_ + at_ + n);
  at_ += n;
  return out;
}

void FuzzTemplate::Add(CK_ATTRIBUTE_TYPE type, FuzzBytes value, bool null_pointer) {
  FuzzBytes& stored = values_.emplace_back(std::move(value));
  if (null_pointer) {
    // A NULL pointer with a length: the module must refuse it, not read it.
    attrs_.push_back({type, nullptr, stored.empty() ? 4 : stored.size()});
    return;
  }
  attrs_.push_back({type, stored.empty() ? nullptr : stored.data(), stored.size()});
}

const FuzzBytes* FuzzTemplate::Find(CK_ATTRIBUTE_TYPE type) const {
  for (std::size_t i = 0; i < attrs_.size(); ++i) {
    if (attrs_[i].type == type) return &values_[i];
  }
  return nullptr;
}

void ApiDriver::Run() {
  CK_ULONG count = 1;
  if (f_->C_GetSlotList(CK_FALSE, &slot_, &count) != CKR_OK || count == 0) slot_ = 0;
  for (int i = 0; i < kMaxSteps && !in_.done(); ++i) Step(in_.Byte());
}

void ApiDriver::Remember(CK_OBJECT_HANDLE h) {
  if (h != CK_INVALID_HANDLE && objects_.size() < 64) objects_.push_back(h);
}

CK_SLOT_ID ApiDriver::PickSlot() {
  const std::uint8_t b = in_.Byte();
  if (b < 0xF0) return slot_;
  return b == 0xFF ? in_.U32() : static_cast<CK_SLOT_ID>(b - 0xF0);
}

CK_SESSION_HANDLE ApiDriver::PickSession() {
  const std::uint8_t b = in_.Byte();
  if (!sessions_.empty() && b < 0xF0) return sessions_[b % sessions_.size()];
  return b == 0xFF ? in_.U32() : static_cast<CK_SESSION_HANDLE>(b & 0x0F);
}

CK_OBJECT_HANDLE ApiDriver::PickObject() {
  const std::uint8_t b = in_.Byte();
  if (!objects_.empty() && b < 0xF0) return objects_[b % objects_.size()];
  return b == 0xFF ? in_.U32() : static_cast<CK_OBJECT_HANDLE>(b & 0x0F);
}

FuzzBytes ApiDriver::Pin() {
  switch (in_.Byte() % 9) {
    case 0: return Text("123456");
    case 1: return Text("000000");
    case 2: return Text("12345");
    case 3: return Text("123456789");
    case 4: return Text("010203040506070801020304050607080102030405060708");
    case 5: return Text("0102030405060708010203040506070801020304050607ff");
    case 6: return Text("12345678:654321");
    case 7: return Text("654321");
    default: return in_.Take(in_.Byte() % 50);
  }
}

FuzzBytes ApiDriver::AttributeValue(CK_ATTRIBUTE_TYPE type) {
  const Blobs& blobs = TheBlobs();
  switch (in_.Byte() % 7) {
    case 0: return {};
    case 1: {
      const std::uint8_t b = in_.Byte();
      return Ulong(b < 200 ? kUlongs[b % std::size(kUlongs)] : in_.U32());
    }
    case 2: return FuzzBytes{static_cast<std::uint8_t>(in_.Byte() % 3)};
    case 3: return in_.Take(in_.Byte() % 48);
    case 4: return blobs.Pick(in_.Byte());
    case 5: return FuzzBytes{static_cast<std::uint8_t>(in_.Byte() % 0x19)};
    default:
      // The value this attribute usually has, so deeper paths are reached.
      if (type == CKA_CLASS) return Ulong(in_.Byte() % 5);
      if (type == CKA_KEY_TYPE) return Ulong(kUlongs[in_.Byte() % 8]);
      if (type == CKA_EC_PARAMS) return blobs.Curve(in_.Byte());
      return FuzzBytes{1};
  }
}

FuzzTemplate ApiDriver::Template() {
  FuzzTemplate t;
  const int n = in_.Byte() % 7;
  for (int i = 0; i < n; ++i) {
    const std::uint8_t b = in_.Byte();
    const CK_ATTRIBUTE_TYPE type = b < 250 ? kAttrTypes[b % std::size(kAttrTypes)] : in_.U32();
    const bool null_pointer = (in_.Byte() & 0x1F) == 0x1F;
    t.Add(type, AttributeValue(type), null_pointer);
  }
  return t;
}

// Templates that make real objects: a certificate, EC, RSA and Ed25519 keys.
FuzzTemplate ApiDriver::CannedTemplate(std::uint8_t which) {
  const Blobs& blobs = TheBlobs();
  FuzzTemplate t;
  const FuzzBytes id{static_cast<std::uint8_t>(1 + in_.Byte() % 0x18)};
  switch (which % 4) {
    case 0:
      t.Add(CKA_CLASS, Ulong(CKO_CERTIFICATE));
      t.Add(CKA_CERTIFICATE_TYPE, Ulong(CKC_X_509));
      t.Add(CKA_VALUE, blobs.cert_der);
      break;
    case 1:
      t.Add(CKA_CLASS, Ulong(CKO_PRIVATE_KEY));
      t.Add(CKA_KEY_TYPE, Ulong(CKK_EC));
      t.Add(CKA_EC_PARAMS, blobs.Curve(0));
      t.Add(CKA_VALUE, blobs.ec_scalar);
      break;
    case 2:
      t.Add(CKA_CLASS, Ulong(CKO_PRIVATE_KEY));
      t.Add(CKA_KEY_TYPE, Ulong(CKK_RSA));
      for (std::size_t i = 0; i < blobs.rsa_parts.size(); ++i) {
        t.Add(Blobs::kRsaPartTypes[i], blobs.rsa_parts[i]);
      }
      break;
    default:
      t.Add(CKA_CLASS, Ulong(CKO_PRIVATE_KEY));
      t.Add(CKA_KEY_TYPE, Ulong(CKK_EC_EDWARDS));
      t.Add(CKA_EC_PARAMS, blobs.Curve(2));
      t.Add(CKA_VALUE, blobs.ed25519_private);
      break;
  }
  t.Add(CKA_ID, id);
  t.Add(CKA_TOKEN, FuzzBytes{1});
  return t;
}

void ApiDriver::Step(std::uint8_t op) {
  switch (op % 18) {
    case 0: OpenSession(); break;
    case 1: (void)f_->C_CloseSession(PickSession()); break;
    case 2: Login(); break;
    case 3: (void)f_->C_Logout(PickSession()); break;
    case 4: Info(); break;
    case 5: Find(); break;
    case 6: GetAttributes(); break;
    case 7: SetAttributes(); break;
    case 8: Create(); break;
    case 9: {
      changed_token_ = true;
      const CK_SESSION_HANDLE s = PickSession();
      (void)f_->C_DestroyObject(s, PickObject());
      break;
    }
    case 10: Generate(); break;
    case 11: CryptoInit(); break;
    case 12: CryptoData(in_.Byte() % 3); break;
    case 13: Derive(); break;
    case 14: PinManagement(); break;
    case 15: Misc(); break;
    case 16: {
      // The token leaves or comes back; or the library restarts.
      const std::uint8_t what = in_.Byte() % 4;
      changed_token_ = true;
      if (what == 0) (void)FuzzSim::Get().Ctl("remove");
      if (what == 1) (void)FuzzSim::Get().Ctl("insert");
      if (what == 2) {
        (void)f_->C_Finalize(nullptr);
        if (f_->C_Initialize(nullptr) != CKR_OK) std::abort();
      }
      if (what == 3) {
        CK_ULONG n = 0;
        (void)f_->C_GetSlotList(CK_TRUE, nullptr, &n);
      }
      break;
    }
    default: {
      // The common path in one step: find a key by class and sign with it.
      FuzzTemplate t;
      t.Add(CKA_CLASS, Ulong(CKO_PRIVATE_KEY));
      const CK_SESSION_HANDLE s = PickSession();
      if (f_->C_FindObjectsInit(s, t.data(), t.size()) == CKR_OK) {
        CK_OBJECT_HANDLE found[4];
        CK_ULONG n = 0;
        if (f_->C_FindObjects(s, found, 4, &n) == CKR_OK) {
          for (CK_ULONG i = 0; i < n; ++i) Remember(found[i]);
        }
        (void)f_->C_FindObjectsFinal(s);
      }
      break;
    }
  }
}

void ApiDriver::OpenSession() {
  const std::uint8_t b = in_.Byte();
  CK_FLAGS flags = (b & 1 ? CKF_RW_SESSION : 0) | (b & 2 ? 0 : CKF_SERIAL_SESSION);
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  if (f_->C_OpenSession(PickSlot(), flags, nullptr, nullptr, (b & 0xF0) == 0xF0 ? nullptr : &h) ==
          CKR_OK &&
      sessions_.size() < 16) {
    sessions_.push_back(h);
  }
}

void ApiDriver::Login() {
  const CK_SESSION_HANDLE s = PickSession();
  const std::uint8_t b = in_.Byte();
  const CK_USER_TYPE types[] = {CKU_USER, CKU_SO, CKU_CONTEXT_SPECIFIC, CKU_USER};
  const CK_USER_TYPE type = b < 250 ? types[b % 4] : in_.U32();
  FuzzBytes pin = Pin();
  const bool null_pin = (in_.Byte() & 0x3F) == 0x3F;
  const CK_RV rv = f_->C_Login(s, type, null_pin || pin.empty() ? nullptr : pin.data(), pin.size());
  // A wrong PIN uses up a try on the card.
  if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED) changed_token_ = true;
}

void ApiDriver::Info() {
  const CK_SLOT_ID slot = PickSlot();
  switch (in_.Byte() % 6) {
    case 0: {
      CK_SLOT_ID list[4];
      const CK_ULONG room = in_.Byte() % 5;
      CK_ULONG n = room;
      const std::uint8_t b = in_.Byte();
      const CK_RV rv = f_->C_GetSlotList(b & 1, (b & 2) != 0 ? list : nullptr, &n);
      Require(rv != CKR_OK || (b & 2) == 0 || n <= room, "C_GetSlotList wrote past the list");
      break;
    }
    case 1: {
      CK_SLOT_INFO info;
      (void)f_->C_GetSlotInfo(slot, &info);
      break;
    }
    case 2: {
      CK_TOKEN_INFO info;
      (void)f_->C_GetTokenInfo(slot, &info);
      break;
    }
    case 3: {
      std::vector<CK_MECHANISM_TYPE> list(in_.Byte() % 40);
      CK_ULONG n = list.size();
      const CK_RV rv = f_->C_GetMechanismList(slot, list.empty() ? nullptr : list.data(), &n);
      Require(rv != CKR_OK || list.empty() || n <= list.size(),
              "C_GetMechanismList wrote past the list");
      Require(rv != CKR_BUFFER_TOO_SMALL || n > list.size(),
              "CKR_BUFFER_TOO_SMALL without the length needed");
      break;
    }
    case 4: {
      CK_MECHANISM_INFO info;
      const std::uint8_t b = in_.Byte();
      (void)f_->C_GetMechanismInfo(
          slot, b < 250 ? kMechanisms[b % std::size(kMechanisms)] : in_.U32(), &info);
      break;
    }
    default: {
      CK_SESSION_INFO info;
      (void)f_->C_GetSessionInfo(PickSession(), &info);
      break;
    }
  }
}

void ApiDriver::Find() {
  const CK_SESSION_HANDLE s = PickSession();
  const std::uint8_t mode = in_.Byte() % 4;
  if (mode == 0 || mode == 3) {
    FuzzTemplate t = Template();
    (void)f_->C_FindObjectsInit(s, t.data(), t.size());
  }
  if (mode == 1 || mode == 3) {
    std::vector<CK_OBJECT_HANDLE> found(in_.Byte() % 8);
    CK_ULONG n = 0;
    if (f_->C_FindObjects(s, found.empty() ? nullptr : found.data(), found.size(), &n) == CKR_OK) {
      Require(n <= found.size(), "C_FindObjects returned more than asked for");
      for (CK_ULONG i = 0; i < n && i < found.size(); ++i) Remember(found[i]);
    }
  }
  if (mode == 2 || mode == 3) (void)f_->C_FindObjectsFinal(s);
}

void ApiDriver::GetAttributes() {
  const CK_SESSION_HANDLE s = PickSession();
  const CK_OBJECT_HANDLE o = PickObject();
  const int n = in_.Byte() % 7;
  std::deque<FuzzBytes> buffers;
  std::vector<CK_ATTRIBUTE> attrs;
  for (int i = 0; i < n; ++i) {
    const std::uint8_t b = in_.Byte();
    const CK_ATTRIBUTE_TYPE type = b < 250 ? kAttrTypes[b % std::size(kAttrTypes)] : in_.U32();
    const std::uint8_t size = in_.Byte();
    if (size == 0) {
      attrs.push_back({type, nullptr, 0});  // a size query
    } else {
      FuzzBytes& buf = buffers.emplace_back(size == 0xFF ? 2048 : size - 1);
      attrs.push_back({type, buf.empty() ? nullptr : buf.data(), buf.size()});
    }
  }
  std::vector<CK_ULONG> room;
  for (const CK_ATTRIBUTE& a : attrs) room.push_back(a.ulValueLen);
  const CK_RV rv =
      f_->C_GetAttributeValue(s, o, attrs.empty() ? nullptr : attrs.data(), attrs.size());
  if (rv == CKR_OBJECT_HANDLE_INVALID || rv == CKR_SESSION_HANDLE_INVALID) return;
  // §5.2 / C_GetAttributeValue: each length is the value's, at most the
  // buffer given, or CK_UNAVAILABLE_INFORMATION.
  for (std::size_t i = 0; i < attrs.size(); ++i) {
    if (attrs[i].pValue == nullptr) continue;
    Require(attrs[i].ulValueLen <= room[i] || attrs[i].ulValueLen == CK_UNAVAILABLE_INFORMATION,
            "C_GetAttributeValue reported a value longer than its buffer");
  }
  Require(rv != CKR_OK || std::none_of(attrs.begin(), attrs.end(),
                                       [](const CK_ATTRIBUTE& a) {
                                         return a.ulValueLen == CK_UNAVAILABLE_INFORMATION;
                                       }),
          "C_GetAttributeValue said CKR_OK with an unavailable attribute");
}

void ApiDriver::SetAttributes() {
  const CK_SESSION_HANDLE s = PickSession();
  const CK_OBJECT_HANDLE o = PickObject();
  FuzzTemplate t = Template();
  (void)f_->C_SetAttributeValue(s, o, t.data(), t.size());
}

void ApiDriver::Create() {
  const CK_SESSION_HANDLE s = PickSession();
  const std::uint8_t mode = in_.Byte();
  FuzzTemplate t = mode % 5 == 4 ? Template() : CannedTemplate(mode);
  // A little noise on top of a canned template.
  for (int extra = in_.Byte() % 3; extra > 0; --extra) {
    const CK_ATTRIBUTE_TYPE type = kAttrTypes[in_.Byte() % std::size(kAttrTypes)];
    t.Add(type, AttributeValue(type));
  }
  changed_token_ = true;
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  if (f_->C_CreateObject(s, t.data(), t.size(), &h) == CKR_OK) Remember(h);
}

void ApiDriver::Generate() {
  const CK_SESSION_HANDLE s = PickSession();
  const std::uint8_t b = in_.Byte();
  const CK_MECHANISM_TYPE mechs[] = {CKM_EC_KEY_PAIR_GEN, CKM_EC_EDWARDS_KEY_PAIR_GEN, 0x1056,
                                     CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_ECDSA};
  CK_MECHANISM m{b < 250 ? mechs[b % std::size(mechs)] : in_.U32(), nullptr, 0};
  FuzzTemplate pub;
  const std::uint8_t canned = in_.Byte();
  if (canned % 3 != 0) {
    pub.Add(CKA_EC_PARAMS, TheBlobs().Curve(in_.Byte()));
    pub.Add(CKA_MODULUS_BITS, Ulong(canned % 2 == 0 ? 1024 : 2048));
    pub.Add(CKA_ID, FuzzBytes{static_cast<std::uint8_t>(1 + in_.Byte() % 0x18)});
  } else {
    pub = Template();
  }
  FuzzTemplate priv = Template();
  // RSA 3072 and 4096 take the simulator seconds: not worth an execution.
  for (const FuzzTemplate* t : {&pub, &priv}) {
    const FuzzBytes* bits = t->Find(CKA_MODULUS_BITS);
    CK_ULONG n = 0;
    if (bits != nullptr && bits->size() == sizeof n) {
      std::memcpy(&n, bits->data(), sizeof n);
      if (n > 2048 && n <= 4096) return;
    }
  }
  changed_token_ = true;
  CK_OBJECT_HANDLE a = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE c = CK_INVALID_HANDLE;
  if (f_->C_GenerateKeyPair(s, &m, pub.data(), pub.size(), priv.data(), priv.size(), &a, &c) ==
      CKR_OK) {
    Remember(a);
    Remember(c);
  }
}

}  // namespace tessera::fuzz
