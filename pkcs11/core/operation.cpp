#include "pkcs11/core/operation.hpp"

#include <cstring>

namespace tessera::p11 {
namespace {

Status ActiveElsewhere() {
  return Refuse(Fault::kOperationActive, "the operation is under way in the other form");
}

}  // namespace

Status ActiveOperation::EndOnError(Status status) {
  if (!status.ok()) ended_ = true;
  return status;
}

Status ActiveOperation::Deliver(std::uint8_t* out, std::size_t* out_len) {
  const std::size_t size = held_->size();
  // An empty result has no buffer to fill: callers pass a NULL one for it
  // (an empty vector's data()). The first NULL call tells the size, as any
  // size query; the second delivers it and ends the operation.
  if (out == nullptr && !(size == 0 && empty_reported_)) {
    *out_len = size;
    if (size == 0) empty_reported_ = true;
    return Status::Ok();
  }
  if (*out_len < size) {
    *out_len = size;
    return Refuse(Fault::kBufferTooSmall, "the output buffer is too small");
  }
  if (size > 0 && out != nullptr) {
    if (!held_->head.empty()) std::memcpy(out, held_->head.data(), held_->head.size());
    if (!held_->tail.empty()) {
      std::memcpy(out + held_->head.size(), held_->tail.data(), held_->tail.size());
    }
  }
  *out_len = size;
  held_.reset();
  ended_ = true;
  return Status::Ok();
}

bool ActiveOperation::AnswerFromKnownSize(std::uint8_t* out, std::size_t* out_len,
                                          Status* answer) const {
  auto known = engine_->FinishSize();
  if (!known && out == nullptr) known = engine_->FinishSizeBound();
  if (!known || (out != nullptr && *out_len >= *known)) return false;
  const bool query = out == nullptr;
  *out_len = *known;
  *answer = query ? Status::Ok() : Refuse(Fault::kBufferTooSmall, "the output buffer is too small");
  return true;
}

Status ActiveOperation::Hold(SecureBytes prefix) {
  auto rest = engine_->Finish();
  if (!rest.ok()) return EndOnError(rest.status());
  held_.emplace(Held{std::move(prefix), std::move(*rest)});
  return Status::Ok();
}

Status ActiveOperation::Run(ByteView input, std::uint8_t* out, std::size_t* out_len) {
  if (stage_ == Stage::kParts || stage_ == Stage::kFinalHeld) return EndOnError(ActiveElsewhere());
  if (stage_ == Stage::kStarted) {
    // A signature's length is known from the key: a size query or a short
    // buffer costs the card nothing (and needs no PIN), and the input is
    // taken when the real call comes.
    if (Status answered; AnswerFromKnownSize(out, out_len, &answered)) return answered;
    auto first = engine_->Update(input);
    if (!first.ok()) return EndOnError(first.status());
    TESSERA_RETURN_IF_ERROR(Hold(std::move(*first)));
    stage_ = Stage::kSingleHeld;
  }
  return Deliver(out, out_len);
}

Status ActiveOperation::Absorb(ByteView part) {
  if (stage_ == Stage::kSingleHeld || stage_ == Stage::kFinalHeld) {
    return EndOnError(ActiveElsewhere());
  }
  stage_ = Stage::kParts;
  auto produced = engine_->Update(part);
  return EndOnError(produced.status());
}

Status ActiveOperation::Update(ByteView part, std::uint8_t* out, std::size_t* out_len) {
  if (stage_ == Stage::kSingleHeld || stage_ == Stage::kFinalHeld) {
    return EndOnError(ActiveElsewhere());
  }
  const std::size_t bound = engine_->MaxUpdateOutput(part.size());
  // A part that can produce nothing (RSA collects its input) is taken even
  // with no buffer: the answer, 0 bytes, is the same either way.
  if (out == nullptr && bound > 0) {
    *out_len = bound;
    return Status::Ok();
  }
  if (out != nullptr && *out_len < bound) {
    *out_len = bound;
    return Refuse(Fault::kBufferTooSmall, "the output buffer is too small");
  }
  stage_ = Stage::kParts;
  auto produced = engine_->Update(part);
  if (!produced.ok()) return EndOnError(produced.status());
  if (produced->size() > bound) {
    return EndOnError(Status::Internal("a cipher gave more than its bound"));
  }
  if (!produced->empty()) std::memcpy(out, produced->data(), produced->size());
  *out_len = produced->size();
  return Status::Ok();
}

Status ActiveOperation::Final(std::uint8_t* out, std::size_t* out_len) {
  if (stage_ == Stage::kSingleHeld) return EndOnError(ActiveElsewhere());
  if (stage_ != Stage::kFinalHeld) {
    if (Status answered; AnswerFromKnownSize(out, out_len, &answered)) return answered;
    TESSERA_RETURN_IF_ERROR(Hold(SecureBytes()));
    stage_ = Stage::kFinalHeld;
  }
  return Deliver(out, out_len);
}

Status ActiveOperation::Verify(bool single_part, ByteView data, ByteView signature) {
  ended_ = true;  // a verification always ends the operation
  if (single_part) {
    if (stage_ != Stage::kStarted) return ActiveElsewhere();
    auto absorbed = engine_->Update(data);
    if (!absorbed.ok()) return absorbed.status();
  } else if (stage_ == Stage::kSingleHeld || stage_ == Stage::kFinalHeld) {
    return ActiveElsewhere();
  }
  return engine_->Verify(signature);
}

}  // namespace tessera::p11
