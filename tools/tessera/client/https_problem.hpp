// The pieces of HttpsClient that need no connection: the base URL's parts,
// and an error answer's problem+json (RFC 9457) as a Status, by the table
// in https_client.hpp (the reverse of services/http/problem.cpp's).
// Internal to tools/tessera/client; value code, thread-safe.
#pragma once

#include <string>

#include "common/status.hpp"

namespace tessera::cli {

struct BaseUrl {
  bool tls = true;
  std::string host;         // without brackets for IPv6
  std::string port;         // "443" / "80" when the URL names none
  std::string prefix;       // the URL's path without a trailing '/', often empty
  std::string host_header;  // host[:port] as the URL wrote it
};

// "https://host[:port][/prefix]" or "http://..."; kInvalidArgument naming
// the fault otherwise.
Result<BaseUrl> ParseBaseUrl(const std::string& url);

// True when `host` is an IPv4 or IPv6 literal (checked as an IP SAN, with no SNI).
bool IsIpLiteral(const std::string& host);

// A response of 400 or more as a Status: "HTTP 409: <title>: <detail>".
Status ProblemStatus(int status, const std::string& body);

}  // namespace tessera::cli
