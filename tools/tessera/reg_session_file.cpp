#include "tools/tessera/reg_session_file.hpp"

#include <openssl/crypto.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "services/jose/jws.hpp"
#include "tools/tessera/client/private_file.hpp"

namespace tessera::cli {
namespace {

using nlohmann::json;

Status NotOurs(const std::filesystem::path& path, const std::string& why) {
  return Status::InvalidArgument(path.string() + ": " + why +
                                 " (remove it and log in or sync again)");
}

Result<Bytes> HexField(const json& j, const char* name, const std::filesystem::path& path) {
  if (!j.contains(name) || !j[name].is_string()) return NotOurs(path, std::string("no ") + name);
  Result<Bytes> bytes = FromHex(j[name].get<std::string>());
  if (!bytes.ok()) return NotOurs(path, std::string(name) + " is not hex");
  return bytes;
}

}  // namespace

std::filesystem::path RegSessionPath() {
  // NOLINTBEGIN(concurrency-mt-unsafe): read once, at start-up of a command
  const char* over = std::getenv("TESSERA_REG_SESSION");
  if (over != nullptr && *over != '\0') return over;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  // NOLINTEND(concurrency-mt-unsafe)
  if (runtime != nullptr && *runtime != '\0') {
    return std::filesystem::path(runtime) / "tessera" / "reg-session.json";
  }
  return std::filesystem::path("/tmp") / ("tessera-" + std::to_string(::geteuid())) /
         "reg-session.json";
}

Status SaveRegSession(const RegSession& s) {
  const json j = {{"server", s.server},
                  {"ca_file", s.ca_file},
                  {"token", s.token},
                  {"slot", s.slot},
                  {"user_id_code", s.user_id_code},
                  {"session_id", s.session_id},
                  {"c2s_key", ToHex(s.c2s_key.view())},
                  {"s2c_key", ToHex(s.s2c_key.view())},
                  {"seq", s.seq},
                  {"expires_at", s.expires_at},
                  {"idle_timeout", s.idle_timeout},
                  {"issuer_point", ToHex(s.issuer_point)},
                  {"time_floor", s.time_floor},
                  {"spki_sha256", ToHex(s.spki_sha256)}};
  std::string text = j.dump(2) + "\n";
  Status written = WritePrivateFile(RegSessionPath(), text);
  OPENSSL_cleanse(text.data(), text.size());
  return written;
}

Result<RegSession> LoadRegSession() {
  const std::filesystem::path path = RegSessionPath();
  Result<std::string> text = ReadPrivateFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return Status::NotFound("no registration session (" + path.string() +
                              "): tessera reg login --server URL --token SERIAL");
    }
    return text.status();
  }
  const json j = json::parse(*text, nullptr, false);
  OPENSSL_cleanse(text->data(), text->size());
  if (j.is_discarded() || !j.is_object()) return NotOurs(path, "not a JSON object");
  RegSession s;
  try {
    s.server = j.at("server").get<std::string>();
    s.ca_file = j.at("ca_file").get<std::string>();
    s.token = j.at("token").get<std::uint32_t>();
    s.slot = j.at("slot").get<std::uint8_t>();
    s.user_id_code = j.at("user_id_code").get<std::string>();
    s.session_id = j.at("session_id").get<std::string>();
    s.seq = j.at("seq").get<std::uint64_t>();
    s.expires_at = j.at("expires_at").get<std::int64_t>();
    s.idle_timeout = j.at("idle_timeout").get<std::int64_t>();
    s.time_floor = j.at("time_floor").get<std::uint64_t>();
  } catch (const json::exception& e) {
    return NotOurs(path, std::string("a field is missing or of the wrong type: ") + e.what());
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes c2s, HexField(j, "c2s_key", path));
  TESSERA_ASSIGN_OR_RETURN(Bytes s2c, HexField(j, "s2c_key", path));
  s.c2s_key = SecureBytes(c2s);
  s.s2c_key = SecureBytes(s2c);
  OPENSSL_cleanse(c2s.data(), c2s.size());
  OPENSSL_cleanse(s2c.data(), s2c.size());
  TESSERA_ASSIGN_OR_RETURN(s.issuer_point, HexField(j, "issuer_point", path));
  TESSERA_ASSIGN_OR_RETURN(s.spki_sha256, HexField(j, "spki_sha256", path));
  if (s.c2s_key.size() != 32 || s.s2c_key.size() != 32)
    return NotOurs(path, "a key is not 32 bytes");
  return s;
}

Status RemoveRegSession() {
  std::error_code ec;
  std::filesystem::remove(RegSessionPath(), ec);
  if (ec) return Status::IoError("removing " + RegSessionPath().string() + ": " + ec.message());
  return Status::Ok();
}

std::filesystem::path ClientConfigPath(const std::filesystem::path& home) {
  return home / "reg" / "client.json";
}

Status SaveClientConfig(const std::filesystem::path& home, const AppliedConfig& config) {
  const json j = {{"document", config.document},
                  {"certificate", jose::Base64UrlEncode(config.certificate)}};
  return WritePrivateFile(ClientConfigPath(home), j.dump(2) + "\n");
}

Result<AppliedConfig> LoadClientConfig(const std::filesystem::path& home) {
  const std::filesystem::path path = ClientConfigPath(home);
  Result<std::string> text = ReadPrivateFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return Status::NotFound("no entitlements applied yet (" + path.string() +
                              "): tessera reg sync");
    }
    return text.status();
  }
  const json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("document") || !j["document"].is_string() ||
      !j.contains("certificate") || !j["certificate"].is_string()) {
    return NotOurs(path, "not {\"document\", \"certificate\"}");
  }
  AppliedConfig config;
  config.document = j["document"].get<std::string>();
  Result<Bytes> certificate = jose::Base64UrlDecode(j["certificate"].get<std::string>());
  if (!certificate.ok()) return NotOurs(path, "certificate is not base64url");
  config.certificate = *certificate;
  // The document was verified before it was written; here it is only read.
  Result<jose::JwsParts> parts = jose::ParseCompact(config.document);
  if (!parts.ok()) return NotOurs(path, "document is not a compact JWS");
  Result<registration::ConfigDocument> parsed = registration::ParseConfigPayload(parts->payload);
  if (!parsed.ok()) return NotOurs(path, parsed.status().message());
  config.parsed = std::move(*parsed);
  return config;
}

}  // namespace tessera::cli
