#include "tests/support/marionette.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace tessera::testing {
namespace {

using Clock = std::chrono::steady_clock;

// W3C WebDriver §12.1: the key of a web element reference.
constexpr char kElementKey[] = "element-6066-11e4-a52e-4f735466cecf";
// A length prefix longer than this is not a Marionette message.
constexpr std::size_t kMaxLengthDigits = 12;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

// The string member `key`, or "" (json::value() throws on a null).
std::string StringOf(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string()
             ? object[key].get<std::string>()
             : std::string();
}

Status ErrorOf(std::string_view command, const nlohmann::json& error) {
  std::string name = StringOf(error, "error");
  std::string text = std::string(command) + ": " + name + ": " + StringOf(error, "message");
  if (name == "no such element") return Status::NotFound(text);
  return Status::Internal(text);
}

Result<Bytes> DecodeBase64(const std::string& text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64 length is not a multiple of 4");
  Bytes out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return Status::InvalidArgument("not base64");
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

Result<std::unique_ptr<MarionetteClient>> MarionetteClient::Connect(
    std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    return Status::IoError("connect to Marionette on port " + std::to_string(port) + ": " +
                           std::strerror(errno));
  }
  pollfd p{fd.get(), POLLOUT, 0};
  if (::poll(&p, 1, MillisLeft(deadline)) != 1) {
    return Status::IoError("connect to Marionette on port " + std::to_string(port) + " timed out");
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    return Status::IoError("connect to Marionette on port " + std::to_string(port) + ": " +
                           std::strerror(err));
  }
  std::unique_ptr<MarionetteClient> client(new MarionetteClient(std::move(fd)));
  TESSERA_ASSIGN_OR_RETURN(client->handshake_, client->Receive("handshake", deadline));
  const nlohmann::json& handshake = client->handshake_;
  if (!handshake.is_object() || !handshake.contains("marionetteProtocol") ||
      handshake["marionetteProtocol"] != 3) {
    return Status::Internal("unexpected Marionette handshake: " + client->handshake_.dump());
  }
  return client;
}

Status MarionetteClient::Send(const std::string& message, Clock::time_point deadline) {
  const std::string frame = std::to_string(message.size()) + ":" + message;
  std::size_t sent = 0;
  while (sent < frame.size()) {
    pollfd p{fd_.get(), POLLOUT, 0};
    if (::poll(&p, 1, MillisLeft(deadline)) != 1) return Status::IoError("send timed out");
    ssize_t n = ::send(fd_.get(), frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Status::IoError(std::string("send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status MarionetteClient::Fill(std::size_t want, std::string_view what, Clock::time_point deadline) {
  char chunk[65536];
  while (buffer_.size() < want) {
    pollfd p{fd_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready != 1)
      return Status::IoError(std::string(what) + ": no answer from Marionette in time");
    ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n == 0) return Status::IoError(std::string(what) + ": Marionette closed the connection");
    if (n < 0) return Status::IoError(std::string(what) + ": recv: " + std::strerror(errno));
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<nlohmann::json> MarionetteClient::Receive(std::string_view what,
                                                 Clock::time_point deadline) {
  std::size_t colon = std::string::npos;
  while ((colon = buffer_.find(':')) == std::string::npos) {
    if (buffer_.size() > kMaxLengthDigits) return Status::Corrupt("bad Marionette length prefix");
    TESSERA_RETURN_IF_ERROR(Fill(buffer_.size() + 1, what, deadline));
  }
  if (colon == 0 || colon > kMaxLengthDigits || buffer_.find_first_not_of("0123456789") != colon) {
    return Status::Corrupt("bad Marionette length prefix: " + buffer_.substr(0, colon));
  }
  const std::size_t length = std::stoull(buffer_.substr(0, colon));
  TESSERA_RETURN_IF_ERROR(Fill(colon + 1 + length, what, deadline));
  auto message = nlohmann::json::parse(buffer_.substr(colon + 1, length), nullptr, false);
  buffer_.erase(0, colon + 1 + length);
  if (message.is_discarded()) return Status::Corrupt(std::string(what) + ": answer is not JSON");
  return message;
}

Result<nlohmann::json> MarionetteClient::Command(std::string_view name,
                                                 const nlohmann::json& params,
                                                 std::chrono::milliseconds timeout) {
  if (!stalled_.empty()) {
    return Status::IoError(std::string(name) + ": Marionette stopped answering at " + stalled_);
  }
  const auto deadline = Clock::now() + timeout;
  const std::uint64_t id = next_id_++;
  Status sent = Send(nlohmann::json::array({0, id, name, params}).dump(), deadline);
  if (!sent.ok()) return sent.Prefixed(std::string(name) + ": ");
  for (;;) {
    auto received = Receive(name, deadline);
    if (!received.ok()) {
      // A browser that sits in a modal loop answers nothing after either.
      if (received.status().code() == Code::kIoError) stalled_ = std::string(name);
      return received.status();
    }
    nlohmann::json answer = std::move(received).value();
    // An answer to an earlier command that timed out is skipped.
    if (!answer.is_array() || answer.size() != 4 || answer[0] != 1) {
      return Status::Corrupt(std::string(name) + ": not an answer: " + answer.dump());
    }
    if (answer[1] != id) continue;
    if (!answer[2].is_null()) return ErrorOf(name, answer[2]);
    return answer[3];
  }
}

Status MarionetteClient::NewSession(const nlohmann::json& capabilities) {
  return Command("WebDriver:NewSession", capabilities).status();
}

Status MarionetteClient::DeleteSession() {
  return Command("WebDriver:DeleteSession", nlohmann::json::object()).status();
}

Status MarionetteClient::Quit() {
  return Command("Marionette:Quit", nlohmann::json::object()).status();
}

Status MarionetteClient::SetContext(MarionetteContext context) {
  const char* value = context == MarionetteContext::kChrome ? "chrome" : "content";
  return Command("Marionette:SetContext", {{"value", value}}).status();
}

Status MarionetteClient::Navigate(std::string_view url) {
  return Command("WebDriver:Navigate", {{"url", url}}).status();
}

Result<std::string> MarionetteClient::CurrentUrl() {
  TESSERA_ASSIGN_OR_RETURN(auto r, Command("WebDriver:GetCurrentURL", nlohmann::json::object()));
  return StringOf(r, "value");
}

Result<std::string> MarionetteClient::Title() {
  TESSERA_ASSIGN_OR_RETURN(auto r, Command("WebDriver:GetTitle", nlohmann::json::object()));
  return StringOf(r, "value");
}

Result<std::string> MarionetteClient::PageSource() {
  TESSERA_ASSIGN_OR_RETURN(auto r, Command("WebDriver:GetPageSource", nlohmann::json::object()));
  return StringOf(r, "value");
}

Result<std::string> MarionetteClient::FindElement(std::string_view css_selector) {
  TESSERA_ASSIGN_OR_RETURN(auto r, Command("WebDriver:FindElement",
                                           {{"using", "css selector"}, {"value", css_selector}}));
  const nlohmann::json& element = r.contains("value") ? r["value"] : r;
  if (!element.is_object() || !element.contains(kElementKey)) {
    return Status::Internal("WebDriver:FindElement: no element reference in " + r.dump());
  }
  return element[kElementKey].get<std::string>();
}

Status MarionetteClient::ElementSendKeys(const std::string& element, std::string_view text) {
  return Command("WebDriver:ElementSendKeys", {{"id", element}, {"text", text}}).status();
}

Status MarionetteClient::ElementClick(const std::string& element) {
  return Command("WebDriver:ElementClick", {{"id", element}}).status();
}

Result<Bytes> MarionetteClient::TakeScreenshot(bool full_page) {
  TESSERA_ASSIGN_OR_RETURN(
      auto r, Command("WebDriver:TakeScreenshot", {{"full", full_page}, {"hash", false}}));
  if (!r.contains("value") || !r["value"].is_string()) {
    return Status::Internal("WebDriver:TakeScreenshot: no image in the answer");
  }
  return DecodeBase64(r["value"].get<std::string>());
}

Result<nlohmann::json> MarionetteClient::ExecuteScript(std::string_view script,
                                                       const nlohmann::json& args,
                                                       std::chrono::milliseconds timeout) {
  TESSERA_ASSIGN_OR_RETURN(
      auto r, Command("WebDriver:ExecuteScript", {{"script", script}, {"args", args}}, timeout));
  return r.contains("value") ? r["value"] : nlohmann::json();
}

}  // namespace tessera::testing
