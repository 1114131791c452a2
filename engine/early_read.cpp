#include "early_read.h"

namespace mon::engine {

EarlyRead::EarlyRead(std::unique_ptr<Remote> remote) : remote_(std::move(remote)) {
  thread_ = std::thread([this] { ok_ = remote_->fetch(state_, err_); });
}

EarlyRead::~EarlyRead() {
  if (!thread_.joinable()) return;
  stop();
  thread_.join();
}

void EarlyRead::stop() {
  if (remote_) remote_->stopReading();
}

std::unique_ptr<Remote> EarlyRead::finish(RemoteState& state, bool& ok, std::string& err) {
  if (!thread_.joinable()) return nullptr;
  thread_.join();
  state = std::move(state_);
  ok = ok_;
  err = std::move(err_);
  return std::move(remote_);
}

}  // namespace mon::engine
