#include "services/ca/csr.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <algorithm>
#include <string_view>

namespace tessera::ca {
namespace {

using ReqPtr = std::unique_ptr<X509_REQ, ossl::Deleter<X509_REQ_free>>;
void FreeExtensions(STACK_OF(X509_EXTENSION) * extensions) {
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<FreeExtensions>>;

bool LooksLikePem(ByteView data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find("-----BEGIN") != std::string_view::npos;
}

Result<ReqPtr> Decode(ByteView data) {
  if (LooksLikePem(data)) {
    ossl::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) return ossl::Error("BIO_new_mem_buf");
    ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!req) {
      ossl::DrainErrors();
      return Status::InvalidArgument("the CSR is not a PEM CERTIFICATE REQUEST");
    }
    return req;
  }
  const unsigned char* p = data.data();
  ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(data.size())));
  if (!req || p != data.data() + data.size()) {
    ossl::DrainErrors();
    return Status::InvalidArgument("the CSR is neither PEM nor a DER CertificationRequest");
  }
  return req;
}

Status CheckKey(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < 2048) {
      return Status::InvalidArgument("the CSR's RSA key has " +
                                     std::to_string(EVP_PKEY_get_bits(key)) +
                                     " bits; at least 2048 are required");
    }
    return Status::Ok();
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1) {
      const std::string_view name(group, len);
      if (name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384") {
        return Status::Ok();
      }
    }
    ossl::DrainErrors();
    return Status::InvalidArgument("the CSR's EC key is on a curve other than P-256 and P-384");
  }
  return Status::InvalidArgument("the CSR's key is neither EC (P-256, P-384) nor RSA");
}

Status CheckSubject(const X509_NAME* subject, const Profile& profile) {
  bool has_cn = false;
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    if (std::find(profile.subject_nids.begin(), profile.subject_nids.end(), nid) ==
        profile.subject_nids.end()) {
      char oid[80] = {};
      OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(entry), 0);
      return Status::InvalidArgument("profile '" + std::string(profile.name) +
                                     "' does not allow the subject attribute " + oid);
    }
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
    if (ASN1_STRING_length(value) == 0) {
      return Status::InvalidArgument("the CSR's subject has an empty attribute");
    }
    has_cn = has_cn || nid == NID_commonName;
  }
  if (profile.cn_required && !has_cn) {
    return Status::InvalidArgument("profile '" + std::string(profile.name) +
                                   "' requires a CN in the subject");
  }
  return Status::Ok();
}

Status CheckNames(const GENERAL_NAMES* names, const Profile& profile) {
  const int count = names == nullptr ? 0 : sk_GENERAL_NAME_num(names);
  const std::string which = "profile '" + std::string(profile.name) + "'";
  if (profile.san == SanRule::kDnsOrIpRequired && count == 0) {
    return Status::InvalidArgument(which +
                                   " requires DNS names or IP addresses in the CSR's "
                                   "subjectAltName extension request");
  }
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    const bool allowed = (profile.san == SanRule::kEmailOptional && name->type == GEN_EMAIL) ||
                         (profile.san == SanRule::kDnsOrIpRequired &&
                          (name->type == GEN_DNS || name->type == GEN_IPADD));
    if (!allowed) {
      return Status::InvalidArgument(which + " does not allow subjectAltName entry type " +
                                     std::to_string(name->type) + " (GeneralName choice)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<CertificationRequest> ParseCertificationRequest(ByteView pem_or_der) {
  TESSERA_ASSIGN_OR_RETURN(ReqPtr req, Decode(pem_or_der));
  ossl::PkeyPtr key(X509_REQ_get_pubkey(req.get()));
  if (!key) {
    ossl::DrainErrors();
    return Status::InvalidArgument("the CSR's public key cannot be read");
  }
  if (X509_REQ_verify(req.get(), key.get()) != 1) {
    ossl::DrainErrors();
    return Status::SignatureInvalid(
        "the CSR's signature does not verify with its own public key (RFC 2986 §3)");
  }
  CertificationRequest out;
  out.public_key = std::move(key);
  out.subject.reset(X509_NAME_dup(X509_REQ_get_subject_name(req.get())));
  if (!out.subject) return ossl::Error("X509_NAME_dup");
  ExtStackPtr extensions(X509_REQ_get_extensions(req.get()));
  if (extensions) {
    int crit = 0;
    out.subject_alt_names.reset(static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(extensions.get(), NID_subject_alt_name, &crit, nullptr)));
  }
  ossl::DrainErrors();
  return out;
}

Status CheckAgainstProfile(const CertificationRequest& request, const Profile& profile) {
  TESSERA_RETURN_IF_ERROR(CheckKey(request.public_key.get()));
  TESSERA_RETURN_IF_ERROR(CheckSubject(request.subject.get(), profile));
  return CheckNames(request.subject_alt_names.get(), profile);
}

std::string NameText(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

Result<std::string> CertificatePem(ByteView der) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate, ossl::CertFromDer(der));
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate.get()) != 1) {
    return ossl::Error("PEM_write_bio_X509");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<ossl::X509NamePtr> ParseName(const std::string& text) {
  // Either the "/CN=x/O=y" form openssl -subj takes, or "CN=x,O=y" (commas
  // inside values need the slash form).
  std::vector<std::string> parts;
  const char separator = !text.empty() && text[0] == '/' ? '/' : ',';
  std::string current;
  for (char c : text.substr(separator == '/' ? 1 : 0)) {
    if (c == separator) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name) return ossl::Error("X509_NAME_new");
  for (std::string part : parts) {
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size()) {
      std::string message = "subject '";
      message += text;
      message += "': '";
      message += part;
      message += "' is not ATTRIBUTE=value";
      return Status::InvalidArgument(message);
    }
    const std::string attribute = part.substr(0, eq);
    const std::string value = part.substr(eq + 1);
    if (X509_NAME_add_entry_by_txt(name.get(), attribute.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      ossl::DrainErrors();
      std::string message = "subject '";
      message += text;
      message += "': unknown attribute '";
      message += attribute;
      message += "'";
      return Status::InvalidArgument(message);
    }
  }
  return name;
}

}  // namespace tessera::ca
