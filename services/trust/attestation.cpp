#include "services/trust/attestation.hpp"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <cctype>
#include <limits>
#include <string_view>

#include "common/ossl.hpp"
#include "common/piv/public_key.hpp"
#include "common/tlv.hpp"

namespace tessera::trust {
namespace {

using StorePtr = std::unique_ptr<X509_STORE, ossl::Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, ossl::Deleter<X509_STORE_CTX_free>>;
struct CertStackFree {
  void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }  // borrowed certs
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

// YubiKey PIV attestation extensions (docs/piv-applet.md "YubiKey: ATTEST").
constexpr char kFirmwareOid[] = "1.3.6.1.4.1.41482.3.3";
constexpr char kSerialOid[] = "1.3.6.1.4.1.41482.3.7";
constexpr std::string_view kStatementCnPrefix = " Attestation ";

struct Parsed {
  ossl::X509Ptr statement;
  ossl::X509Ptr f9;
  std::vector<ossl::X509Ptr> cas;
  ossl::PkeyPtr token_key;
};

Result<ossl::X509Ptr> ParseCert(ByteView der, const std::string& what) {
  auto cert = ossl::CertFromDer(der);
  if (!cert.ok()) return Status::InvalidArgument(what + " is not a DER X.509 certificate");
  return cert;
}

// SubjectPublicKeyInfo DER, or the 65-byte uncompressed P-256 point that
// GET METADATA shows (SEC 1 §2.3.3).
Result<ossl::PkeyPtr> ParseTokenKey(ByteView key) {
  if (auto spki = ossl::PublicKeyFromDer(key); spki.ok()) return spki;
  (void)ossl::DrainErrors();
  if (key.size() == 65 && key[0] == 0x04) {
    auto point = piv::DecodePublicKey(piv::Algorithm::kEccP256, EncodeTlv(0x86, key));
    if (point.ok()) return point;
  }
  return Status::InvalidArgument(
      "the token key is neither SubjectPublicKeyInfo DER nor an uncompressed P-256 point");
}

Result<Parsed> ParseInputs(const AttestationInput& input, const std::vector<Bytes>& cas) {
  Parsed p;
  TESSERA_ASSIGN_OR_RETURN(p.statement, ParseCert(input.statement, "the attestation statement"));
  TESSERA_ASSIGN_OR_RETURN(p.f9,
                           ParseCert(input.attestation_ca, "the attestation certificate (5FFF01)"));
  if (cas.empty()) return Status::InvalidArgument("no trusted manufacturer CA is configured");
  for (std::size_t i = 0; i < cas.size(); ++i) {
    TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr ca,
                             ParseCert(cas[i], "manufacturer CA #" + std::to_string(i + 1)));
    p.cas.push_back(std::move(ca));
  }
  TESSERA_ASSIGN_OR_RETURN(p.token_key, ParseTokenKey(input.token_key));
  return p;
}

std::string NameText(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

const char* ChainLink(int depth) {
  switch (depth) {
    case 0: return "the attestation statement";
    case 1: return "the attestation certificate (5FFF01)";
    default: return "the manufacturer CA";
  }
}

// Check 2: statement -> F9 -> a trusted CA at `now` (RFC 5280 §6), the F9
// certificate the only untrusted intermediate. Gives the anchor's subject.
Result<std::string> VerifyChain(const Parsed& p, std::int64_t now) {
  StorePtr store(X509_STORE_new());
  CertStackPtr untrusted(sk_X509_new_null());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx || sk_X509_push(untrusted.get(), p.f9.get()) <= 0) {
    return ossl::Error("attestation chain");
  }
  for (const ossl::X509Ptr& ca : p.cas) {
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) (void)ossl::DrainErrors();  // duplicates
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), p.statement.get(), untrusted.get()) != 1) {
    return ossl::Error("X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(now));
  if (X509_verify_cert(ctx.get()) != 1) {
    (void)ossl::DrainErrors();
    const int error = X509_STORE_CTX_get_error(ctx.get());
    const std::string message = std::string("attestation chain does not verify: ") +
                                X509_verify_cert_error_string(error) + " (" +
                                ChainLink(X509_STORE_CTX_get_error_depth(ctx.get())) + ")";
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
      return Status::ConditionsNotSatisfied(message);
    }
    return Status::SignatureInvalid(message);
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  const int n = sk_X509_num(chain);
  return n > 0 ? NameText(X509_get_subject_name(sk_X509_value(chain, n - 1))) : std::string();
}

std::string CommonName(X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  unsigned char* utf8 = nullptr;
  const int len =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string SlotHex(std::uint8_t slot) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[slot >> 4], kDigits[slot & 0x0F]};
}

// Check 3: "CN=... Attestation <slot>", the slot as two hex digits
// (docs/piv-applet.md "ATTEST").
Status CheckSlot(X509* statement, std::uint8_t expected) {
  const std::string cn = CommonName(statement);
  const std::size_t at = cn.rfind(kStatementCnPrefix);
  if (at == std::string::npos || cn.size() != at + kStatementCnPrefix.size() + 2) {
    return Status::ConditionsNotSatisfied("attestation statement names no slot (CN=" + cn + ")");
  }
  std::string slot = cn.substr(at + kStatementCnPrefix.size());
  for (char& c : slot) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (slot != SlotHex(expected)) {
    return Status::ConditionsNotSatisfied("attestation is for slot " + slot + ", expected " +
                                          SlotHex(expected));
  }
  return Status::Ok();
}

// The extnValue contents of `oid`, or nullptr when the extension is absent.
const ASN1_OCTET_STRING* Extension(X509* cert, const char* oid) {
  ossl::Asn1ObjectPtr obj(OBJ_txt2obj(oid, /*no_name=*/1));
  const int index = obj ? X509_get_ext_by_OBJ(cert, obj.get(), -1) : -1;
  return index < 0 ? nullptr : X509_EXTENSION_get_data(X509_get_ext(cert, index));
}

// Check 5: the serial extension is one DER INTEGER equal to `serial`.
Status CheckSerial(X509* statement, std::uint32_t serial) {
  const ASN1_OCTET_STRING* value = Extension(statement, kSerialOid);
  if (value == nullptr) {
    return Status::ConditionsNotSatisfied("attestation names no serial (extension " +
                                          std::string(kSerialOid) + ")");
  }
  const unsigned char* p = ASN1_STRING_get0_data(value);
  const unsigned char* end = p + ASN1_STRING_length(value);
  ossl::Asn1IntegerPtr integer(d2i_ASN1_INTEGER(nullptr, &p, ASN1_STRING_length(value)));
  std::uint64_t named = 0;
  if (!integer || p != end || ASN1_INTEGER_get_uint64(&named, integer.get()) != 1 ||
      named > std::numeric_limits<std::uint32_t>::max()) {
    (void)ossl::DrainErrors();
    return Status::InvalidArgument("attestation serial extension is not a DER INTEGER serial");
  }
  if (named != serial) {
    return Status::ConditionsNotSatisfied("attestation names serial " + std::to_string(named) +
                                          ", token is " + std::to_string(serial));
  }
  return Status::Ok();
}

std::string Firmware(X509* statement) {
  const ASN1_OCTET_STRING* value = Extension(statement, kFirmwareOid);
  if (value == nullptr || ASN1_STRING_length(value) != 3) return {};
  const unsigned char* v = ASN1_STRING_get0_data(value);
  return std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]);
}

}  // namespace

Result<AttestationResult> VerifyAttestation(const AttestationInput& input,
                                            const std::vector<Bytes>& manufacturer_cas,
                                            std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(Parsed p, ParseInputs(input, manufacturer_cas));
  AttestationResult result;
  TESSERA_ASSIGN_OR_RETURN(result.manufacturer, VerifyChain(p, now));
  TESSERA_RETURN_IF_ERROR(CheckSlot(p.statement.get(), input.slot));
  TESSERA_ASSIGN_OR_RETURN(result.token_key_spki, ossl::PublicKeyToDer(p.token_key.get()));
  TESSERA_ASSIGN_OR_RETURN(Bytes attested,
                           ossl::PublicKeyToDer(X509_get0_pubkey(p.statement.get())));
  if (attested != result.token_key_spki) {
    return Status::ConditionsNotSatisfied(
        "attestation is for another key: the statement's public key is not the slot's (" +
        SlotHex(input.slot) + ")");
  }
  TESSERA_RETURN_IF_ERROR(CheckSerial(p.statement.get(), input.serial));
  result.firmware = Firmware(p.statement.get());
  return result;
}

Result<std::vector<Bytes>> ParseCertificates(ByteView contents) {
  std::vector<Bytes> out;
  if (AsString(contents).find("-----BEGIN") != std::string::npos) {
    ossl::BioPtr bio(BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
    while (bio) {
      ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (!cert) break;
      TESSERA_ASSIGN_OR_RETURN(Bytes der, ossl::CertToDer(cert.get()));
      out.push_back(std::move(der));
    }
  } else {
    // One DER certificate, or several one after another.
    const unsigned char* p = contents.data();
    const unsigned char* end = p + contents.size();
    while (p < end) {
      const unsigned char* start = p;
      ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(end - p)));
      if (!cert) break;
      out.emplace_back(start, p);
    }
  }
  (void)ossl::DrainErrors();  // the PEM reader's end-of-input "no start line"
  if (out.empty()) return Status::InvalidArgument("no certificate in the file (DER or PEM)");
  return out;
}

}  // namespace tessera::trust
