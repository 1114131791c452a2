#pragma once
// A Client for unit tests: answers every request from a handler and records the requests.
#include <mutex>

#include "net/http.h"

namespace mon::net {

class RecordingClient : public Client {
 public:
  using Handler = std::function<Response(const Request&)>;
  explicit RecordingClient(Handler h) : handler_(std::move(h)) {}
  Response send(const Request& req) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sent_.push_back(req);
    }
    return handler_(req);
  }
  std::vector<Request> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<Request> sent_;
};

}  // namespace mon::net
