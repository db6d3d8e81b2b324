// TokenP11 and the key package (common/piv/key_package.hpp): the data
// object 5FFF20 written and read through the module, and its key unwrapped
// into the token with F0 (docs/pkcs11-objects.md "Unwrapping into the
// token").
#include <cstring>

#include "common/piv/key_package.hpp"
#include "common/piv/wrapped_key.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_types.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/client/token_p11_state.hpp"

namespace tessera::cli {
namespace {

constexpr std::uint8_t kTokenKeyId = 0xF0;
constexpr std::size_t kTargetOffset = 8;  // wrapped_key.hpp: "TSW1" || serial || target
// PIV algorithm bytes (SP 800-78-4 Table 6-2) whose curve the template can pin.
constexpr std::uint8_t kAlgorithmP256 = 0x11;
constexpr std::uint8_t kAlgorithmP384 = 0x14;

p11::Template PackageMatch() {
  p11::Template match;
  match.Ulong(CKA_CLASS, CKO_DATA)
      .Bool(CKA_TOKEN, true)
      .Text(CKA_APPLICATION, piv::kKeyPackageApplication);
  return match;
}

// The template C_UnwrapKey stores the package's key with: a secret key for
// the secret-key families, else a private key in the PIV slot the shared
// data names (CKA_ID as the module numbers slots).
Result<p11::Template> UnwrapTemplate(const piv::KeyPackage& package) {
  if (package.shared.size() < piv::wrap::kHeaderSize) {
    return Status::InvalidArgument("key package: shared data shorter than its header");
  }
  p11::Template t;
  const CK_KEY_TYPE type = package.family;
  t.Ulong(CKA_KEY_TYPE, type).Bool(CKA_TOKEN, true);
  if (type == CKK_AES || type == CKK_GENERIC_SECRET) {
    t.Ulong(CKA_CLASS, CKO_SECRET_KEY);
    return t;
  }
  const std::uint8_t target = package.shared[kTargetOffset];
  const std::uint8_t id = p11::CkaIdOfKeyReference(target);
  if (id == 0 || id == kTokenKeyId) {
    return Status::InvalidArgument("key package: target " + ToHex(ByteView(&target, 1)) +
                                   " is not a PIV key slot");
  }
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, ByteView(&id, 1)).Bool(CKA_PRIVATE, true);
  // Pinning the curve spares the module a GET METADATA after the unwrap.
  if (package.algorithm == kAlgorithmP256) t.Value(CKA_EC_PARAMS, HexOrDie("06082A8648CE3D030107"));
  if (package.algorithm == kAlgorithmP384) t.Value(CKA_EC_PARAMS, HexOrDie("06052B81040022"));
  return t;
}

}  // namespace

Status TokenP11::WriteKeyPackage(ByteView encoded) {
  p11::Template object = PackageMatch();
  object.Value(CKA_VALUE, encoded);
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  return p11::Check(
      state_->Step("writing the key package"), "C_CreateObject",
      state_->f().C_CreateObject(state_->session, object.data(), object.size(), &handle));
}

Result<std::optional<Bytes>> TokenP11::ReadKeyPackage() {
  const std::string step = state_->Step("reading the key package");
  TESSERA_ASSIGN_OR_RETURN(auto found,
                           p11::Find(state_->f(), state_->session, PackageMatch(), step));
  if (found.empty()) return std::optional<Bytes>();
  TESSERA_ASSIGN_OR_RETURN(
      Bytes value, p11::Attribute(state_->f(), state_->session, found.front(), CKA_VALUE, step));
  // An emptied object (after the unwrap) holds no package.
  if (value.empty()) return std::optional<Bytes>();
  return std::optional<Bytes>(std::move(value));
}

Status TokenP11::UnwrapKeyPackage(ByteView encoded) {
  TESSERA_ASSIGN_OR_RETURN(piv::KeyPackage package, piv::ParseKeyPackage(encoded));
  TESSERA_ASSIGN_OR_RETURN(p11::Template key_template, UnwrapTemplate(package));
  const std::string step = state_->Step("unwrapping the key package with F0");
  auto f0 = state_->FindOne(CKO_PRIVATE_KEY, kTokenKeyId, "finding F0's private key");
  if (!f0.ok()) {
    if (f0.status().code() != Code::kNotFound) return f0.status();
    // F0's private key is a private object: visible only after the user's login.
    return Status::SecurityStatus(step + ": F0's private key is not visible; log in with the PIN");
  }
  Bytes shared = package.shared;
  hsm::EcdhAesKeyWrapParams params{};
  params.ulAESKeyBits = static_cast<CK_ULONG>(package.kek_length) * 8;
  params.kdf = package.kdf;  // 06, 07, 08: the low byte of CKD_SHA256_KDF ...
  params.ulSharedDataLen = shared.size();
  params.pSharedData = shared.data();
  CK_MECHANISM mechanism{static_cast<CK_MECHANISM_TYPE>(hsm::Mechanism::kEcdhAesKeyWrap), &params,
                         sizeof params};
  Bytes blob = package.blob;
  CK_OBJECT_HANDLE unwrapped = CK_INVALID_HANDLE;
  return p11::Check(
      step, "C_UnwrapKey",
      state_->f().C_UnwrapKey(state_->session, &mechanism, *f0, blob.data(), blob.size(),
                              key_template.data(), key_template.size(), &unwrapped));
}

}  // namespace tessera::cli
