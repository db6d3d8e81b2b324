#include "services/keyman/token_access.hpp"

#include <algorithm>

#include "common/card_manager_constants.hpp"
#include "host/transport/pcsc/pcsc_source.hpp"
#include "host/transport/sim_reader.hpp"
#include "host/transport/usb/usb_reader.hpp"
#include "services/keyman/channel_steps.hpp"

namespace tessera::keyman {
namespace {

std::vector<std::unique_ptr<host::ReaderSource>> SourcesFor(const runtime::Settings& settings) {
  std::vector<std::unique_ptr<host::ReaderSource>> sources;
  if (settings.transports.sim) {
    sources.push_back(std::make_unique<host::SimReaderSource>(settings.sim_run_dir));
  }
  if (settings.transports.pcsc) sources.push_back(std::make_unique<host::PcscReaderSource>());
  if (settings.transports.usb) sources.push_back(std::make_unique<host::UsbReaderSource>());
  return sources;
}

}  // namespace

Result<TokenConnection> TokenConnection::Open(const std::shared_ptr<host::Reader>& reader) {
  TokenConnection connection;
  TESSERA_ASSIGN_OR_RETURN(connection.transport_, reader->Connect());
  host::ApduChannel::Options options;
  options.extended_length = connection.transport_->SupportsExtendedLength();
  connection.channel_ = std::make_unique<host::ApduChannel>(*connection.transport_, options);
  connection.client_ = std::make_unique<host::CardManagerClient>(*connection.channel_);
  TESSERA_RETURN_IF_ERROR(connection.client_->Select());
  return connection;
}

Result<TokenSummary> Summarize(const std::shared_ptr<host::Reader>& reader) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TokenSummary summary;
  summary.reader = reader;
  TESSERA_ASSIGN_OR_RETURN(summary.uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(summary.serial, client.GetSerial());
  TESSERA_ASSIGN_OR_RETURN(host::CardManagerStatus status, client.GetStatus());
  summary.lifecycle = status.lifecycle;
  if (status.lifecycle != static_cast<std::uint8_t>(cm::Lifecycle::kManufactured)) {
    TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions keys, ReadKeyVersions(client));
    summary.mk_version = keys.mk;
  }
  return summary;
}

std::vector<TokenSummary> FindTokens(const runtime::Settings& settings,
                                     std::vector<std::string>* problems) {
  std::vector<TokenSummary> found;
  for (const auto& source : SourcesFor(settings)) {
    for (const auto& reader : source->Scan()) {
      if (!reader->Card().present) continue;
      Result<TokenSummary> summary = Summarize(reader);
      if (!summary.ok()) {
        // A card without the card manager (another vendor's card) is not ours.
        if (summary.status().code() != Code::kNotFound && problems != nullptr) {
          problems->push_back(reader->Name() + ": " + summary.status().ToString());
        }
        continue;
      }
      // A token on two routes (its socket and PC/SC) is listed once.
      const bool seen = std::any_of(found.begin(), found.end(), [&](const TokenSummary& token) {
        return token.uid == summary->uid;
      });
      if (!seen) found.push_back(std::move(*summary));
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const TokenSummary& a, const TokenSummary& b) {
    return a.serial < b.serial;
  });
  return found;
}

Result<TokenSummary> FindToken(const runtime::Settings& settings, std::uint32_t serial) {
  const std::string suffix = " " + std::to_string(serial);
  for (const auto& source : SourcesFor(settings)) {
    for (const auto& reader : source->Scan()) {
      if (!reader->Name().ends_with(suffix) || !reader->Card().present) continue;
      Result<TokenSummary> summary = Summarize(reader);
      if (summary.ok() && summary->serial == serial) return summary;
    }
  }
  std::vector<std::string> problems;
  for (TokenSummary& token : FindTokens(settings, &problems)) {
    if (token.serial == serial) return std::move(token);
  }
  std::string detail;
  for (const std::string& p : problems) detail += "; " + p;
  return Status::NotFound("no reachable token with serial " + std::to_string(serial) + detail);
}

}  // namespace tessera::keyman
