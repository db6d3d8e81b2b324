#include "common/piv/piv_constants.hpp"

namespace tessera::piv {

std::optional<Algorithm> AlgorithmFromByte(std::uint8_t b) {
  switch (b) {
    case 0x00:  // SP 800-78-4: 00 is 3DES-ECB as well
    case 0x03: return Algorithm::kTdes;
    case 0x08: return Algorithm::kAes128;
    case 0x0A: return Algorithm::kAes192;
    case 0x0C: return Algorithm::kAes256;
    case 0x06: return Algorithm::kRsa1024;
    case 0x07: return Algorithm::kRsa2048;
    case 0x05: return Algorithm::kRsa3072;
    case 0x16: return Algorithm::kRsa4096;
    case 0x11: return Algorithm::kEccP256;
    case 0x14: return Algorithm::kEccP384;
    case 0xE0: return Algorithm::kEd25519;
    case 0xE1: return Algorithm::kX25519;
    default: return std::nullopt;
  }
}

bool IsSymmetric(Algorithm a) { return SymmetricKeySize(a) != 0; }
bool IsRsa(Algorithm a) { return RsaBits(a) != 0; }
bool IsEcdsaCurve(Algorithm a) { return a == Algorithm::kEccP256 || a == Algorithm::kEccP384; }

std::size_t RsaBits(Algorithm a) {
  switch (a) {
    case Algorithm::kRsa1024: return 1024;
    case Algorithm::kRsa2048: return 2048;
    case Algorithm::kRsa3072: return 3072;
    case Algorithm::kRsa4096: return 4096;
    default: return 0;
  }
}

std::size_t SymmetricKeySize(Algorithm a) {
  switch (a) {
    case Algorithm::kTdes: return 24;
    case Algorithm::kAes128: return 16;
    case Algorithm::kAes192: return 24;
    case Algorithm::kAes256: return 32;
    default: return 0;
  }
}

std::size_t BlockSize(Algorithm a) { return a == Algorithm::kTdes ? 8 : 16; }

std::string_view AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kTdes: return "3DES";
    case Algorithm::kAes128: return "AES-128";
    case Algorithm::kAes192: return "AES-192";
    case Algorithm::kAes256: return "AES-256";
    case Algorithm::kRsa1024: return "RSA-1024";
    case Algorithm::kRsa2048: return "RSA-2048";
    case Algorithm::kRsa3072: return "RSA-3072";
    case Algorithm::kRsa4096: return "RSA-4096";
    case Algorithm::kEccP256: return "P-256";
    case Algorithm::kEccP384: return "P-384";
    case Algorithm::kEd25519: return "Ed25519";
    case Algorithm::kX25519: return "X25519";
  }
  return "unknown";
}

std::optional<std::uint32_t> CertObjectForKey(std::uint8_t key_ref) {
  switch (key_ref) {
    case key::kAuthentication: return tag::kCertAuthentication;
    case key::kSignature: return tag::kCertSignature;
    case key::kKeyManagement: return tag::kCertKeyManagement;
    case key::kCardAuthentication: return tag::kCertCardAuthentication;
    case key::kAttestation: return tag::kYubicoAttestationCert;
    default: break;
  }
  if (key_ref >= key::kRetiredFirst && key_ref <= key::kRetiredLast) {
    return tag::kRetiredCertFirst + (key_ref - key::kRetiredFirst);
  }
  return std::nullopt;
}

bool IsAsymmetricKeyRef(std::uint8_t key_ref) {
  return key_ref == key::kAuthentication || key_ref == key::kSignature ||
         key_ref == key::kKeyManagement || key_ref == key::kCardAuthentication ||
         (key_ref >= key::kRetiredFirst && key_ref <= key::kRetiredLast);
}

}  // namespace tessera::piv
