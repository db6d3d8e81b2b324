#include "tools/tesserad/config.hpp"

#include <algorithm>
#include <charconv>

#include "common/text.hpp"

namespace tessera::tesserad {
namespace {

constexpr std::string_view kSections[] = {"tls", "limits",       "ca",
                                          "cms", "registration", "softtoken"};

bool KnownSection(std::string_view name) {
  for (std::string_view known : kSections) {
    if (name == known) return true;
  }
  return false;
}

std::string_view StripComment(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) return line.substr(0, i);
  }
  return line;
}

const KeySpec* FindKey(std::string_view key) {
  for (const KeySpec& spec : ConfigKeys()) {
    if (key == spec.key) return &spec;
  }
  return nullptr;
}

std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> items;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view item = TrimBlanks(value.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

Status Bad(const Setting& setting, std::string_view key, const std::string& why) {
  return Status::InvalidArgument(setting.where + ": " + std::string(key) + ": " + why);
}

Result<std::uint64_t> Number(const Setting& setting, std::string_view key, std::uint64_t min,
                             std::uint64_t max) {
  std::uint64_t n = 0;
  const std::string& v = setting.value;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    return Bad(setting, key,
               "expected a whole number from " + std::to_string(min) + " to " +
                   std::to_string(max) + ", got \"" + v + "\"");
  }
  return n;
}

// "10" or "10s" (seconds), "500ms".
Result<std::chrono::milliseconds> Duration(const Setting& setting, std::string_view key) {
  std::string_view v = setting.value;
  std::uint64_t scale = 1000;
  if (v.ends_with("ms")) {
    scale = 1;
    v.remove_suffix(2);
  } else if (v.ends_with("s")) {
    v.remove_suffix(1);
  }
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n == 0 ||
      n > 86'400'000 / scale) {
    return Bad(setting, key,
               "expected a duration such as 10, 10s or 500ms (up to a day), got \"" +
                   setting.value + "\"");
  }
  return std::chrono::milliseconds(n * scale);
}

std::int64_t Seconds(std::chrono::milliseconds d) {
  return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

Status SetRegistration(RegistrationConfig& r, const std::string& key, const Setting& one) {
  if (key == "registration.server") {
    r.server = one.value;
  } else if (key == "registration.open") {
    if (one.value != "true" && one.value != "false") {
      return Bad(one, key, "expected true or false, got \"" + one.value + "\"");
    }
    r.open = one.value == "true";
  } else if (key == "registration.template") {
    r.template_file = one.value;
  } else if (key == "registration.public_url") {
    if (!one.value.starts_with("http://") && !one.value.starts_with("https://")) {
      return Bad(one, key, "expected an http:// or https:// URL, got \"" + one.value + "\"");
    }
    r.public_url = one.value;
  } else if (key == "registration.app_ca") {
    r.app_ca_file = one.value;
  } else {
    TESSERA_ASSIGN_OR_RETURN(std::chrono::milliseconds d, Duration(one, key));
    if (key == "registration.hello_lifetime") r.hello_lifetime = Seconds(d);
    if (key == "registration.pending_lifetime") r.pending_lifetime = Seconds(d);
    if (key == "registration.session_idle") r.session_idle = Seconds(d);
    if (key == "registration.session_lifetime") r.session_lifetime = Seconds(d);
  }
  return Status::Ok();
}

Status SetSoftToken(SoftTokenConfig& s, const std::string& key, const Setting& one) {
  if (key == "softtoken.issuer") {
    s.issuer = one.value;
  } else if (key == "softtoken.public_url") {
    if (!one.value.starts_with("https://")) {
      return Bad(one, key, "expected an https:// URL, got \"" + one.value + "\"");
    }
    s.public_url = one.value;
    while (s.public_url.ends_with("/")) s.public_url.pop_back();
  } else if (key == "softtoken.otp_tries") {
    TESSERA_ASSIGN_OR_RETURN(std::uint64_t n, Number(one, key, 1, 10));
    s.otp_tries = static_cast<int>(n);
  } else if (key == "softtoken.max_pending") {
    TESSERA_ASSIGN_OR_RETURN(std::uint64_t n, Number(one, key, 1, 16384));
    s.max_pending = static_cast<std::int64_t>(n);
  } else if (key == "softtoken.token_lifetime") {
    TESSERA_ASSIGN_OR_RETURN(std::uint64_t days, Number(one, key, 1, 3650));
    s.token_lifetime = static_cast<std::int64_t>(days) * 86400;
  } else {
    TESSERA_ASSIGN_OR_RETURN(std::chrono::milliseconds d, Duration(one, key));
    if (key == "softtoken.otp_lifetime") s.otp_lifetime = Seconds(d);
    if (key == "softtoken.status_ttl") s.status_ttl = Seconds(d);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<KeySpec>& ConfigKeys() {
  static const std::vector<KeySpec> kKeys = {
      {"listen", "ADDR:PORT or https://ADDR:PORT (TLS), http://ADDR:PORT, unix:PATH", true},
      {"directory", "directory URL: sqlite:PATH or postgresql://... (default sqlite in home)",
       false},
      {"hsm", "HSM (token label) the services sign with; also probed by /healthz", false},
      {"services", "services to run, comma-separated (ca, cms, registration, softtoken)", true},
      {"home", "TESSERA_HOME", false},
      {"access_log", "access log file (default stderr); SIGHUP reopens it", false},
      {"threads", "server threads (default: the number of CPUs)", false},
      {"tls.cert", "PEM certificate chain of the TLS listeners", false},
      {"tls.key", "PEM private key of the TLS listeners (mode 0600)", false},
      {"tls.client_ca", "PEM CAs that verify client certificates (optional)", false},
      {"limits.header_bytes", "request line and header bytes (default 8192; 431 beyond)", false},
      {"limits.body_bytes", "request body bytes (default 1048576; 413 beyond)", false},
      {"limits.read_timeout", "time to read one request (default 10s)", false},
      {"limits.idle_timeout", "keep-alive idle time (default 60s)", false},
      {"limits.max_connections", "open connections (default 1024)", false},
      {"limits.drain_timeout", "SIGTERM: time for requests in flight (default 10s)", false},
      {"ca.base_url", "URL certificates name for CRL and OCSP (http://host:port)", false},
      {"manufacturer_ca",
       "CMS: certificate file (PEM or DER) of a manufacturer CA token attestations chain to", true},
      {"cms.ca", "CMS: the CA that issues user and officer certificates", false},
      {"registration.server", "registration: the gateway (reg init --name; default default)",
       false},
      {"registration.open",
       "registration: true lets anyone holding a token register without a code (default false)",
       false},
      {"registration.template", "registration: the registration template, a JSON file", false},
      {"registration.public_url", "registration: the gateway URL entitlement documents name",
       false},
      {"registration.app_ca", "registration: PEM CAs for https:// application servers", false},
      {"registration.hello_lifetime", "registration: time from R0 to R1 (default 300s)", false},
      {"registration.pending_lifetime", "registration: time from R2 to R3 (default 600s)", false},
      {"registration.session_idle", "registration: session idle limit (default 900s)", false},
      {"registration.session_lifetime", "registration: session lifetime (default 28800s)", false},
      {"softtoken.issuer", "softtoken: the issuer (softtoken init --name; default default)", false},
      {"softtoken.public_url",
       "softtoken: the https:// URL soft tokens name (iss, status list; default: first listener)",
       false},
      {"softtoken.otp_lifetime",
       "softtoken: time from the device's request to the approval (default 300s)", false},
      {"softtoken.otp_tries", "softtoken: wrong passwords before a request burns (default 5)",
       false},
      {"softtoken.token_lifetime",
       "softtoken: soft-token lifetime in days, capped by the ID card's (default 30)", false},
      {"softtoken.status_ttl", "softtoken: status list ttl and cache time (default 300s)", false},
      {"softtoken.max_pending", "softtoken: pending requests at most (default 8192)", false},
  };
  return kKeys;
}

std::string FlagFor(std::string_view key) {
  std::string flag = "--";
  for (char c : key) flag += (c == '.' || c == '_') ? '-' : c;
  return flag;
}

Result<Settings> ParseConfigFile(std::string_view text, std::string_view origin) {
  Settings settings;
  std::string section;
  int number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    const std::string where = std::string(origin) + ":" + std::to_string(number);
    const std::string_view content = TrimBlanks(StripComment(line));
    if (content.empty()) continue;
    if (content.front() == '[') {
      if (content.back() != ']') return Status::InvalidArgument(where + ": expected [section]");
      section = std::string(TrimBlanks(content.substr(1, content.size() - 2)));
      if (!KnownSection(section)) {
        return Status::InvalidArgument(
            where + ": unknown section [" + section +
            "] (known: [tls], [limits], [ca], [cms], [registration], [softtoken])");
      }
      continue;
    }
    const std::size_t eq = content.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(where + ": expected key = value");
    }
    const std::string_view bare_key = TrimBlanks(content.substr(0, eq));
    std::string_view value = TrimBlanks(content.substr(eq + 1));
    const std::string key =
        section.empty() ? std::string(bare_key) : section + "." + std::string(bare_key);
    if (bare_key.empty()) return Status::InvalidArgument(where + ": the key is empty");
    const KeySpec* spec = FindKey(key);
    if (spec == nullptr) return Status::InvalidArgument(where + ": unknown key " + key);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty()) return Status::InvalidArgument(where + ": " + key + ": the value is empty");
    auto& slot = settings[key];
    if (!spec->list && !slot.empty()) {
      return Status::InvalidArgument(where + ": " + key + ": already set at " + slot.front().where);
    }
    if (spec->list) {
      for (std::string& item : SplitList(value)) slot.push_back({std::move(item), where});
    } else {
      slot.push_back({std::string(value), where});
    }
  }
  return settings;
}

Settings Merge(Settings file, const Settings& flags) {
  for (const auto& [key, values] : flags) {
    if (!values.empty()) file[key] = values;
  }
  return file;
}

Result<DaemonConfig> BuildConfig(const Settings& settings,
                                 const std::set<std::string>& known_services) {
  DaemonConfig config;
  http::Limits& limits = config.server.limits;
  for (const auto& [key, values] : settings) {
    if (values.empty()) continue;
    const Setting& one = values.back();
    if (key == "listen") {
      for (const Setting& item : values) {
        Result<http::ListenAddress> address = http::ParseListenAddress(item.value);
        if (!address.ok()) return Bad(item, key, address.status().message());
        config.server.listeners.push_back(std::move(address).value());
      }
    } else if (key == "services") {
      for (const Setting& item : values) {
        if (known_services.count(item.value) == 0) {
          std::string known;
          for (const auto& name : known_services) known += (known.empty() ? "" : ", ") + name;
          return Bad(item, key, "unknown service \"" + item.value + "\" (known: " + known + ")");
        }
        config.services.push_back(item.value);
      }
    } else if (key == "directory") {
      config.directory = one.value;
    } else if (key == "hsm") {
      config.hsm = one.value;
    } else if (key == "home") {
      config.home = one.value;
    } else if (key == "access_log") {
      config.access_log = one.value;
    } else if (key == "threads") {
      TESSERA_ASSIGN_OR_RETURN(auto n, Number(one, key, 1, 256));
      config.server.threads = static_cast<int>(n);
    } else if (key == "tls.cert") {
      config.server.tls.cert_file = one.value;
    } else if (key == "tls.key") {
      config.server.tls.key_file = one.value;
    } else if (key == "tls.client_ca") {
      config.server.tls.client_ca_file = one.value;
    } else if (key == "limits.header_bytes") {
      TESSERA_ASSIGN_OR_RETURN(limits.header_bytes, Number(one, key, 512, 1 << 20));
    } else if (key == "limits.body_bytes") {
      TESSERA_ASSIGN_OR_RETURN(limits.body_bytes, Number(one, key, 0, 1ULL << 30));
    } else if (key == "limits.read_timeout") {
      TESSERA_ASSIGN_OR_RETURN(limits.read_timeout, Duration(one, key));
    } else if (key == "limits.idle_timeout") {
      TESSERA_ASSIGN_OR_RETURN(limits.idle_timeout, Duration(one, key));
    } else if (key == "limits.max_connections") {
      TESSERA_ASSIGN_OR_RETURN(limits.max_connections, Number(one, key, 1, 1'000'000));
    } else if (key == "ca.base_url") {
      if (!one.value.starts_with("http://") && !one.value.starts_with("https://")) {
        return Bad(one, key, "expected an http:// or https:// URL, got \"" + one.value + "\"");
      }
      config.ca_base_url = one.value;
    } else if (key == "manufacturer_ca") {
      for (const Setting& item : values) config.manufacturer_cas.push_back(item.value);
    } else if (key == "cms.ca") {
      config.cms_ca = one.value;
    } else if (key.starts_with("registration.")) {
      TESSERA_RETURN_IF_ERROR(SetRegistration(config.registration, key, one));
    } else if (key.starts_with("softtoken.")) {
      TESSERA_RETURN_IF_ERROR(SetSoftToken(config.softtoken, key, one));
    } else if (key == "limits.drain_timeout") {
      TESSERA_ASSIGN_OR_RETURN(limits.drain_timeout, Duration(one, key));
    }
  }
  if (config.server.listeners.empty()) {
    return Status::InvalidArgument("listen: no listener is configured (give --listen or listen =)");
  }
  bool any_tls = false;
  for (const auto& address : config.server.listeners) {
    any_tls = any_tls || address.kind == http::ListenAddress::Kind::kTls;
  }
  if (any_tls && (config.server.tls.cert_file.empty() || config.server.tls.key_file.empty())) {
    const auto& listen = settings.at("listen");
    return Status::InvalidArgument(listen.front().where +
                                   ": listen: a TLS listener needs tls.cert and tls.key "
                                   "(--tls-cert, --tls-key); use http:// for plain HTTP");
  }
  return config;
}

}  // namespace tessera::tesserad
