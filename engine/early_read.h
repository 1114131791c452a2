#pragma once
// A read of a target begun before the source has been compiled. Reading a remote is mostly
// waiting on the network, and compiling a large source is CPU, so `plan` starts the read as
// soon as the target's declaration has been lowered (TargetKind::readEarly) and compiles the
// rest of the source meanwhile. Nothing but reads happen early: the writes of apply still wait
// for the whole source and the plan. A run that ends before the read is used (the source has
// errors, another target was chosen) drops it: no further request is sent and the requests in
// flight are waited for, so none is left behind.
#include <memory>
#include <string>
#include <thread>

#include "remote.h"

namespace mon::engine {

class EarlyRead {
 public:
  /// Starts `remote->fetch` on a thread of its own.
  explicit EarlyRead(std::unique_ptr<Remote> remote);
  /// Stops the read (stop()) and waits for it.
  ~EarlyRead();
  EarlyRead(const EarlyRead&) = delete;
  EarlyRead& operator=(const EarlyRead&) = delete;

  /// No further request is sent (Remote::stopReading).
  void stop();
  /// Waits for the read and hands over the remote with what it read: `ok`, the state, and the
  /// error when not ok. Once only; null after the first call.
  std::unique_ptr<Remote> finish(RemoteState& state, bool& ok, std::string& err);

 private:
  std::unique_ptr<Remote> remote_;
  RemoteState state_;
  bool ok_ = false;
  std::string err_;
  std::thread thread_;
};

}  // namespace mon::engine
