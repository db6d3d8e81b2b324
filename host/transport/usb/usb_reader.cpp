#include "host/transport/usb/usb_reader.hpp"

#include <algorithm>
#include <string>

namespace tessera::host {

struct UsbReaderSource::State {
  std::mutex mu;
  std::condition_variable changed;
  UsbCcidTransport::Options transport_options;
  std::unique_ptr<UsbContext> context;         // null when libusb is unusable
  std::unique_ptr<UsbHotplugWatcher> watcher;  // null without hotplug support
  std::vector<UsbCcidDevice> devices;          // the latest list
  bool stale = true;                           // a change since the list was read
  std::uint64_t hotplugs = 0;                  // hotplug reports so far
  bool cancelled = false;
  std::chrono::steady_clock::time_point listed{};

  // Reads the list again when it may be out of date. Requires mu.
  void Update() {
    if (context == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    const bool due = watcher == nullptr && now - listed > std::chrono::milliseconds(200);
    if (!stale && !due) return;
    auto listed_now = ListUsbCcidDevices(*context);
    if (!listed_now.ok()) return;
    devices = std::move(listed_now).value();
    stale = false;
    listed = now;
  }
};

namespace {

class UsbReader final : public Reader {
 public:
  UsbReader(UsbCcidDevice device, std::shared_ptr<UsbReaderSource::State> state)
      : device_(std::move(device)), state_(std::move(state)) {}

  const std::string& key() const override { return device_.key; }
  ReaderKind kind() const override { return ReaderKind::kUsb; }
  std::string Name() const override {
    std::string name = device_.product.empty() ? "USB CCID token" : device_.product;
    if (!device_.serial.empty()) name += " " + device_.serial;
    return name;
  }
  CardState Card() override {
    std::lock_guard lock(state_->mu);
    state_->Update();
    auto it = std::find_if(state_->devices.begin(), state_->devices.end(),
                           [&](const UsbCcidDevice& d) { return d.key == device_.key; });
    if (it == state_->devices.end()) return CardState{};
    return CardState{.present = true, .generation = (std::uint64_t{it->bus} << 8) | it->address};
  }
  Result<std::unique_ptr<Transport>> Connect() override {
    UsbCcidDevice now;
    {
      std::lock_guard lock(state_->mu);
      state_->Update();
      auto it = std::find_if(state_->devices.begin(), state_->devices.end(),
                             [&](const UsbCcidDevice& d) { return d.key == device_.key; });
      if (it == state_->devices.end() || state_->context == nullptr) {
        return Status::NotFound("USB device " + device_.key + " is not plugged in");
      }
      now = *it;
    }
    TESSERA_ASSIGN_OR_RETURN(
        auto transport, UsbCcidTransport::Open(*state_->context, now, state_->transport_options));
    return std::unique_ptr<Transport>(std::move(transport));
  }

 private:
  UsbCcidDevice device_;
  std::shared_ptr<UsbReaderSource::State> state_;
};

}  // namespace

UsbReaderSource::UsbReaderSource(UsbCcidTransport::Options transport_options)
    : state_(std::make_shared<State>()) {
  state_->transport_options = transport_options;
  auto context = UsbContext::Create();
  if (!context.ok()) return;
  state_->context = std::move(context).value();
  std::weak_ptr<State> weak = state_;
  auto watcher = UsbHotplugWatcher::Start(*state_->context, [weak] {
    if (auto state = weak.lock()) {
      {
        std::lock_guard lock(state->mu);
        state->stale = true;
        ++state->hotplugs;
      }
      state->changed.notify_all();
    }
  });
  if (watcher.ok()) state_->watcher = std::move(watcher).value();
}

UsbReaderSource::~UsbReaderSource() {
  // The watcher's thread calls into the state: stop it before the context.
  std::unique_ptr<UsbHotplugWatcher> watcher;
  {
    std::lock_guard lock(state_->mu);
    watcher = std::move(state_->watcher);
  }
  watcher.reset();
}

std::vector<std::shared_ptr<Reader>> UsbReaderSource::Scan() {
  std::vector<UsbCcidDevice> devices;
  {
    std::lock_guard lock(state_->mu);
    state_->Update();
    devices = state_->devices;
  }
  std::vector<std::shared_ptr<Reader>> readers;
  readers.reserve(devices.size());
  for (UsbCcidDevice& device : devices) {
    readers.push_back(std::make_shared<UsbReader>(std::move(device), state_));
  }
  return readers;
}

bool UsbReaderSource::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  if (state_->watcher == nullptr) return false;
  // A new hotplug report, not the stale flag: a list that cannot be read
  // stays stale, and waiting on that would return at once for ever.
  const std::uint64_t seen = state_->hotplugs;
  state_->changed.wait_for(lock, timeout,
                           [&] { return state_->hotplugs != seen || state_->cancelled; });
  return true;
}

void UsbReaderSource::Cancel() {
  {
    std::lock_guard lock(state_->mu);
    state_->cancelled = true;
  }
  state_->changed.notify_all();
}

}  // namespace tessera::host
