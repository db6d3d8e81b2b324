// CipherStream's PKCS#11 multi-part semantics (see cipher_stream.hpp).
#include "common/crypto/cipher_stream.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/common/crypto/stream_runner.hpp"
#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::CodeOf;
using testutil::Hex;
using testutil::RunStream;
using testutil::Spec;

Bytes Pattern(std::size_t n, std::uint8_t seed = 7) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + seed);
  return b;
}

const Bytes kAes128 = Pattern(16, 1), kAes256 = Pattern(32, 2), kTdes = Pattern(24, 3);
const Bytes kIv16 = Pattern(16, 4), kIv8 = Pattern(8, 5), kGcmIv = Pattern(12, 6);
const Bytes kAad = Pattern(20, 9);

struct ModeCase {
  const char* name;
  CipherSpec spec;
  std::size_t length;  // of the plaintext: whole blocks where the mode needs them
};

std::vector<ModeCase> EveryMode() {
  CipherSpec gcm = Spec(CipherMode::kAesGcm, kAes256, kGcmIv);
  gcm.aad = kAad;
  CipherSpec gcm_short_tag = Spec(CipherMode::kAesGcm, kAes128, kGcmIv);
  gcm_short_tag.tag_len = 12;
  return {
      {"AES-128-ECB", Spec(CipherMode::kAesEcb, kAes128), 96},
      {"AES-256-CBC", Spec(CipherMode::kAesCbc, kAes256, kIv16), 96},
      {"AES-128-CBC-PAD", Spec(CipherMode::kAesCbcPad, kAes128, kIv16), 101},
      {"AES-256-CBC-PAD (whole blocks)", Spec(CipherMode::kAesCbcPad, kAes256, kIv16), 96},
      {"AES-128-CTR", Spec(CipherMode::kAesCtr, kAes128, kIv16), 101},
      {"AES-256-GCM", gcm, 101},
      {"AES-128-GCM (12-byte tag)", gcm_short_tag, 33},
      {"3DES-ECB", Spec(CipherMode::kTdesEcb, kTdes), 96},
      {"3DES-CBC", Spec(CipherMode::kTdesCbc, kTdes, kIv8), 96},
  };
}

const std::vector<std::vector<std::size_t>> kOddParts = {{1, 2, 3, 5, 7, 11, 13, 17},
                                                         {0, 17, 0, 31, 1},
                                                         {15, 1, 16, 33},
                                                         std::vector<std::size_t>(120, 1)};

TEST(CipherStream, MultiPartEqualsOneShotForEveryModeAndPartSize) {
  for (const ModeCase& m : EveryMode()) {
    Bytes plain = Pattern(m.length);
    auto once = RunStream(m.spec, true, plain);
    ASSERT_TRUE(once.ok()) << m.name << ": " << once.status().ToString();
    EXPECT_EQ(Hex(RunStream(m.spec, false, once->view())), ToHex(plain)) << m.name;
    for (const auto& parts : kOddParts) {
      EXPECT_EQ(Hex(RunStream(m.spec, true, plain, parts)), ToHex(once->view())) << m.name;
      EXPECT_EQ(Hex(RunStream(m.spec, false, once->view(), parts)), ToHex(plain)) << m.name;
    }
  }
}

TEST(CipherStream, CbcPadRejectsABadPadWithSignatureInvalid) {
  // Blocks whose last plaintext block ends in a malformed pad, made with
  // unpadded CBC so the CBC_PAD decryption sees exactly that block.
  const char* bad_last_blocks[] = {
      "00112233445566778899aabbccddee00",  // pad 0
      "00112233445566778899aabbccddee11",  // pad 17
      "00112233445566778899aabbccdd0302",  // 02 after 03
      "0f101010101010101010101010101010",  // full pad with its first byte off
  };
  for (const char* last : bad_last_blocks) {
    Bytes plain = Concat({Pattern(16), HexOrDie(last)});
    auto cipher = RunStream(Spec(CipherMode::kAesCbc, kAes128, kIv16), true, plain);
    ASSERT_TRUE(cipher.ok());
    auto opened = RunStream(Spec(CipherMode::kAesCbcPad, kAes128, kIv16), false, cipher->view());
    EXPECT_EQ(CodeOf(opened), Code::kSignatureInvalid) << last;
  }
}

TEST(CipherStream, EcbAndCbcRejectATotalThatIsNotWholeBlocks) {
  const CipherSpec specs[] = {
      Spec(CipherMode::kAesEcb, kAes128), Spec(CipherMode::kAesCbc, kAes128, kIv16),
      Spec(CipherMode::kTdesEcb, kTdes), Spec(CipherMode::kTdesCbc, kTdes, kIv8)};
  for (const CipherSpec& spec : specs) {
    for (bool encrypt : {true, false}) {
      auto stream = CipherStream::Start(spec, encrypt);
      ASSERT_TRUE(stream.ok());
      auto first = stream->Update(Pattern(17));
      ASSERT_TRUE(first.ok());
      EXPECT_EQ(first->size(), 16u);  // whole blocks go out as they come
      EXPECT_EQ(CodeOf(stream->Finish()), Code::kInvalidArgument)
          << static_cast<int>(spec.mode) << (encrypt ? " encrypt" : " decrypt");
    }
  }
}

TEST(CipherStream, CbcPadDecryptionRejectsAPartialOrEmptyCiphertext) {
  CipherSpec spec = Spec(CipherMode::kAesCbcPad, kAes128, kIv16);
  EXPECT_EQ(CodeOf(RunStream(spec, false, Pattern(33))), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(RunStream(spec, false, {})), Code::kInvalidArgument);
  EXPECT_EQ(RunStream(spec, true, {})->size(), 16u);  // empty data is one pad block
}

TEST(CipherStream, GcmDecryptReleasesNothingBeforeFinishAndNothingOnABadTag) {
  CipherSpec spec = Spec(CipherMode::kAesGcm, kAes128, kGcmIv);
  spec.aad = kAad;
  Bytes plain = Pattern(50);
  auto sealed = RunStream(spec, true, plain);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->size(), 66u);
  for (bool flip : {false, true}) {
    SecureBytes input(sealed->view());
    if (flip) input[input.size() - 1] ^= 0x01;
    auto stream = CipherStream::Start(spec, false);
    ASSERT_TRUE(stream.ok());
    for (std::size_t at = 0; at < input.size(); at += 13) {
      EXPECT_EQ(stream->MaxUpdateOutput(13), 0u);
      auto part =
          stream->Update(input.view().subspan(at, std::min<std::size_t>(13, input.size() - at)));
      ASSERT_TRUE(part.ok());
      EXPECT_TRUE(part->empty()) << "plaintext released at " << at;
    }
    EXPECT_EQ(stream->MaxFinishOutput(), 50u);
    auto rest = stream->Finish();
    if (flip) {
      EXPECT_EQ(CodeOf(rest), Code::kSignatureInvalid);
    } else {
      EXPECT_EQ(Hex(rest), ToHex(plain));
    }
  }
}

TEST(CipherStream, CtrRefusesAStreamThatWouldWrapASmallCounter) {
  // SP 800-38A F.5.1's counter block ends in ff: with 8 counter bits only one
  // block is left before the counter wraps.
  Bytes key = HexOrDie("2b7e151628aed2a6abf7158809cf4f3c");
  Bytes iv = HexOrDie("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  CipherSpec spec = Spec(CipherMode::kAesCtr, key, iv);
  spec.counter_bits = 8;
  auto stream = CipherStream::Start(spec, true);
  ASSERT_TRUE(stream.ok());
  Bytes plain = HexOrDie("6bc1bee22e409f96e93d7e117393172aae");
  auto first = stream->Update(ByteView(plain).first(10));
  auto second = stream->Update(ByteView(plain).subspan(10, 6));
  ASSERT_TRUE(first.ok() && second.ok());
  Bytes out = Concat({first->view(), second->view()});
  EXPECT_EQ(ToHex(out), "874d6191b620e3261bef6864990db6ce");
  EXPECT_EQ(CodeOf(stream->Update(ByteView(plain).subspan(16))), Code::kInvalidArgument);

  // With 16 counter bits, feff leaves 0x101 blocks: exactly that many pass.
  spec.counter_bits = 16;
  Bytes fits(std::size_t{0x101} * 16, 0x00);
  EXPECT_TRUE(RunStream(spec, true, fits, {100, 1000}).ok());
  fits.push_back(0x00);
  EXPECT_EQ(CodeOf(RunStream(spec, true, fits, {100, 1000})), Code::kInvalidArgument);
}

TEST(CipherStream, MaxOutputsAreExactForABlockHeldBack) {
  CipherSpec spec = Spec(CipherMode::kAesCbcPad, kAes128, kIv16);
  auto sealed = RunStream(spec, true, Pattern(40));  // 48 bytes
  ASSERT_TRUE(sealed.ok());
  auto stream = CipherStream::Start(spec, false);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->block_size(), 16u);
  EXPECT_EQ(stream->MaxUpdateOutput(16), 0u);  // the only block waits for its pad check
  ASSERT_EQ(stream->Update(sealed->view().first(16))->size(), 0u);
  EXPECT_EQ(stream->MaxUpdateOutput(10), 0u);
  EXPECT_EQ(stream->MaxUpdateOutput(16), 16u);
  ASSERT_EQ(stream->Update(sealed->view().subspan(16, 20))->size(), 16u);
  EXPECT_EQ(stream->MaxUpdateOutput(12), 16u);
  ASSERT_EQ(stream->Update(sealed->view().subspan(36))->size(), 16u);
  EXPECT_EQ(stream->MaxFinishOutput(), 15u);
  EXPECT_EQ(stream->Finish()->size(), 8u);
}

TEST(CipherStream, CannotBeUsedAfterFinish) {
  auto stream = CipherStream::Start(Spec(CipherMode::kAesCtr, kAes128, kIv16), true);
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(CodeOf(stream->Update(Pattern(4))), Code::kInternal);
  EXPECT_EQ(CodeOf(stream->Finish()), Code::kInternal);
  EXPECT_EQ(stream->MaxUpdateOutput(16), 0u);
  EXPECT_EQ(stream->MaxFinishOutput(), 0u);
}

TEST(CipherStream, StartRefusesABadSpec) {
  EXPECT_EQ(CodeOf(CipherStream::Start(Spec(CipherMode::kAesCbc, Pattern(17), kIv16), true)),
            Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(CipherStream::Start(Spec(CipherMode::kTdesCbc, kTdes, kIv16), false)),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::crypto
