// MarionetteClient: a client for Marionette, the remote protocol that
// Firefox serves with --marionette, enough for a test to drive a real browser
// (navigate, find elements, type, click, read the page, take screenshots, run
// privileged script in the chrome context).
//
// Wire format (Firefox's remote/marionette/transport.sys.mjs): each message is
// `<decimal length>:<JSON>`. The server speaks first with a handshake object
// {"applicationType": "gecko", "marionetteProtocol": 3}; a command is
// [0, id, "Name", {params}] and its answer [1, id, error-or-null, result].
// Element references are {"element-6066-11e4-a52e-4f735466cecf": id} (W3C
// WebDriver §12.1 "web element identifier").
//
// Errors: every call has a deadline; a silent or closed socket is kIoError
// naming the command, a WebDriver error is a Status whose message is
// "<command>: <error>: <message>" ("no such element" is kNotFound). Nothing
// blocks past its deadline, so a test that drives a hung browser fails; once
// a command has gone unanswered, every later one fails at once (kIoError
// naming it) instead of waiting out its own deadline.
//
// Thread-compatible: one test thread drives one client; commands are
// answered in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::testing {

enum class MarionetteContext { kContent, kChrome };

class MarionetteClient {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{120000};

  // Connects to 127.0.0.1:`port` and reads the server's handshake.
  static Result<std::unique_ptr<MarionetteClient>> Connect(
      std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  MarionetteClient(const MarionetteClient&) = delete;
  MarionetteClient& operator=(const MarionetteClient&) = delete;

  // The handshake the server sent ({applicationType, marionetteProtocol}).
  const nlohmann::json& handshake() const { return handshake_; }

  // One command and its result (the answer's fourth member).
  Result<nlohmann::json> Command(std::string_view name, const nlohmann::json& params,
                                 std::chrono::milliseconds timeout = kDefaultTimeout);

  // WebDriver:NewSession with `capabilities` (flat, as Marionette takes them).
  Status NewSession(const nlohmann::json& capabilities);
  Status DeleteSession();
  // Marionette:Quit: Firefox shuts down; the connection closes after it.
  Status Quit();

  Status SetContext(MarionetteContext context);
  // Waits for the load; a page that fails (TLS, connection) is the error
  // Firefox reports, e.g. "unknown error: Reached error page: about:neterror?...".
  Status Navigate(std::string_view url);
  Result<std::string> CurrentUrl();
  Result<std::string> Title();
  Result<std::string> PageSource();

  // The element's reference for WebDriver:ElementSendKeys / ElementClick.
  Result<std::string> FindElement(std::string_view css_selector);
  Status ElementSendKeys(const std::string& element, std::string_view text);
  Status ElementClick(const std::string& element);

  // A PNG of the whole document (full: true) or of the viewport.
  Result<Bytes> TakeScreenshot(bool full_page = true);

  // WebDriver:ExecuteScript: `script` is a function body; a returned promise
  // is awaited. The answer's "value".
  Result<nlohmann::json> ExecuteScript(std::string_view script,
                                       const nlohmann::json& args = nlohmann::json::array(),
                                       std::chrono::milliseconds timeout = kDefaultTimeout);

 private:
  explicit MarionetteClient(UniqueFd fd) : fd_(std::move(fd)) {}
  Status Send(const std::string& message, std::chrono::steady_clock::time_point deadline);
  Result<nlohmann::json> Receive(std::string_view what,
                                 std::chrono::steady_clock::time_point deadline);
  Status Fill(std::size_t want, std::string_view what,
              std::chrono::steady_clock::time_point deadline);

  UniqueFd fd_;
  std::string buffer_;   // received, not yet parsed
  std::string stalled_;  // the command that went unanswered, if one did
  nlohmann::json handshake_;
  std::uint64_t next_id_ = 1;
};

}  // namespace tessera::testing
