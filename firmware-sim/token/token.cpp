#include "firmware-sim/token/token.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "firmware-sim/applets/card_manager/card_manager_applet.hpp"
#include "firmware-sim/applets/piv/piv_applet.hpp"

namespace tessera::sim {
namespace {

constexpr std::string_view kSerialKey = "os/serial";
constexpr std::string_view kUidKey = "os/uid";
constexpr std::string_view kBootsKey = "os/boots";
constexpr std::size_t kUidSize = 16;

// A token built without a clock still needs one for certificates and latency;
// the system clock is stateless and thread-safe, so one instance serves all.
Clock* ClockOrSystem(Clock* clock) {
  static SystemClock system_clock;
  return clock != nullptr ? clock : &system_clock;
}

// Every error about a state file names the file, so an operator knows which
// token to look at (FileStorage names it too; this covers our own checks).
Status NameFile(const Status& status, const std::filesystem::path& path) {
  if (status.ok() || status.message().find(path.string()) != std::string::npos) return status;
  std::string message = path.string() + ": " + status.message();
  switch (status.code()) {
    case Code::kCorrupt: return Status::Corrupt(std::move(message));
    case Code::kNotFound: return Status::NotFound(std::move(message));
    case Code::kIoError: return Status::IoError(std::move(message));
    default: return Status::Internal(std::move(message));
  }
}

}  // namespace

Token::Token(std::filesystem::path path, TokenEnv env)
    : path_(std::move(path)), env_(std::move(env)) {
  env_.clock = ClockOrSystem(env_.clock);
  ctx_.rng = env_.rng.get();
  ctx_.clock = env_.clock;
  ctx_.latency = &env_.latency;
}

Token::~Token() = default;

Result<std::unique_ptr<Token>> Token::Manufacture(const std::filesystem::path& path,
                                                  std::uint32_t serial, const ManufacturerCa& ca,
                                                  TokenEnv env) {
  if (env.rng == nullptr) return Status::InvalidArgument("a token needs an Rng");
  std::unique_ptr<Token> token(new Token(path, std::move(env)));
  token->ctx_.serial = serial;
  token->ctx_.uid = token->env_.rng->Generate(kUidSize);

  Transaction txn;
  Bytes serial_be;
  PutU32(serial_be, serial);
  txn.Put(std::string(kSerialKey), serial_be);
  txn.Put(std::string(kUidKey), token->ctx_.uid);
  TESSERA_RETURN_IF_ERROR(PivApplet::Manufacture(token->ctx_, ca, txn));
  CardManagerApplet::Manufacture(txn);

  auto storage = FileStorage::Create(path, txn, &token->fuse_);
  if (!storage.ok()) return NameFile(storage.status(), path);
  token->storage_ = std::move(storage).value();
  token->ctx_.storage = token->storage_.get();
  return token;
}

Result<std::unique_ptr<Token>> Token::Load(const std::filesystem::path& path, TokenEnv env) {
  if (env.rng == nullptr) return Status::InvalidArgument("a token needs an Rng");
  std::unique_ptr<Token> token(new Token(path, std::move(env)));
  TESSERA_RETURN_IF_ERROR(token->OpenStorage());
  TESSERA_RETURN_IF_ERROR(token->CountBoot());
  return token;
}

// Each load is a new boot: the count is persisted and the token's Rng starts
// the stream of that boot, so a seeded token restarted after generating a
// key does not hand out the same key again, and two fresh state directories
// with the same seed still follow the same sequence.
Status Token::CountBoot() {
  std::uint32_t boots = 0;
  if (std::optional<SecureBytes> stored = storage_->Get(kBootsKey)) {
    if (stored->size() != 4) {
      return Status::Corrupt(path_.string() + ": malformed " + std::string(kBootsKey));
    }
    boots = GetU32(stored->view());
  }
  Bytes next;
  PutU32(next, boots + 1);
  Status s = storage_->Put(std::string(kBootsKey), next);
  if (!s.ok()) return NameFile(s, path_);
  env_.rng->Reseed("boot-" + std::to_string(boots + 1));
  return Status::Ok();
}

Status Token::OpenStorage() {
  auto storage = FileStorage::Open(path_, &fuse_);
  if (!storage.ok()) return NameFile(storage.status(), path_);

  std::optional<SecureBytes> serial = (*storage)->Get(kSerialKey);
  std::optional<SecureBytes> uid = (*storage)->Get(kUidKey);
  if (!serial || serial->size() != 4) {
    return Status::Corrupt(path_.string() + ": missing or malformed " + std::string(kSerialKey));
  }
  if (!uid || uid->size() != kUidSize) {
    return Status::Corrupt(path_.string() + ": missing or malformed " + std::string(kUidKey));
  }
  std::uint32_t loaded_serial = GetU32(serial->view());
  Bytes loaded_uid(uid->view().begin(), uid->view().end());
  // A reload after a power cut must find the same token it dropped.
  if (storage_ == nullptr && !ctx_.uid.empty() &&
      (loaded_serial != ctx_.serial || loaded_uid != ctx_.uid)) {
    return Status::Corrupt(path_.string() + ": identity changed while the token was unpowered");
  }
  ctx_.serial = loaded_serial;
  ctx_.uid = std::move(loaded_uid);
  storage_ = std::move(storage).value();
  ctx_.storage = storage_.get();
  return Status::Ok();
}

Bytes Token::Atr() {
  // ISO 7816-3 §8.2: TS=3B (direct convention); T0=8D (TD1 follows, 13
  // historical bytes); TD1=80 (TD2 follows, T=0 offered); TD2=01 (T=1).
  // Historical bytes (ISO 7816-4 §8.1.1, category 80): 73 card capabilities
  // C0 21 C0 (as on a YubiKey 5), 57 application identifier "Tessera".
  static constexpr std::uint8_t kBody[] = {0x3B, 0x8D, 0x80, 0x01, 0x80, 0x73, 0xC0, 0x21, 0xC0,
                                           0x57, 'T',  'e',  's',  's',  'e',  'r',  'a'};
  // TCK: XOR of every byte from T0 to the last historical byte (§8.2.5).
  std::uint8_t tck = 0;
  for (std::size_t i = 1; i < sizeof(kBody); ++i) tck ^= kBody[i];
  Bytes atr(sizeof(kBody) + 1);
  std::copy(std::begin(kBody), std::end(kBody), atr.begin());
  atr.back() = tck;
  return atr;
}

Status Token::PowerOn() {
  if (card_ != nullptr) return Status::Ok();
  // A blown fuse means the last power cut was not seen by Transmit (it hit
  // outside a command); the storage object may hold state the file lacks.
  if (fuse_.blown()) DropAfterPowerCut();
  if (storage_ == nullptr) TESSERA_RETURN_IF_ERROR(OpenStorage());
  return Boot();
}

Status Token::Boot() {
  std::vector<std::unique_ptr<Applet>> applets;
  applets.push_back(std::make_unique<PivApplet>(ctx_));
  // After PIV, so a partial AID that PIV matched still selects PIV.
  applets.push_back(std::make_unique<CardManagerApplet>(ctx_));
  card_ = std::make_unique<CardOs>(std::move(applets));
  return Status::Ok();
}

void Token::PowerOff() {
  if (card_ == nullptr) return;
  card_->PowerOff();
  card_.reset();
}

Status Token::Reset() {
  PowerOff();
  return PowerOn();
}

std::optional<Bytes> Token::Transmit(ByteView command) {
  if (card_ == nullptr) return std::nullopt;
  env_.latency.Charge(*env_.clock, Cost::kApdu);
  std::optional<Bytes> response = card_->Transmit(command);
  if (!response) DropAfterPowerCut();
  return response;
}

void Token::AbortPending() {
  if (card_ != nullptr) card_->AbortPending();
}

void Token::DropAfterPowerCut() {
  // The card and the storage object hold state the file may not have (a
  // commit the cut interrupted); only a reload from the file is the truth.
  card_.reset();
  ctx_.storage = nullptr;
  storage_.reset();
  fuse_.Reset();
}

}  // namespace tessera::sim
