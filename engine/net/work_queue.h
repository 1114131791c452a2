#pragma once
// Jobs on a few threads, where a job may add jobs: how a backend reads a remote whose lists
// name what to read next (a dashboard list, then each dashboard by id). Each job is one
// request, so `workers` is the number of requests in flight (--parallel), and a GET named by a
// list starts as soon as that list has arrived, in the first free slot, while other lists may
// still be on their way.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace mon::net {

class WorkQueue {
 public:
  /// Queues `job`; safe to call from a running job (the jobs it adds run before run() returns).
  void add(std::function<void()> job);
  /// Runs every job, those added meanwhile included, on up to `workers` threads (the calling
  /// thread is one of them) in the order they were added, and returns when all have finished.
  void run(size_t workers);

 private:
  bool next(std::function<void()>& job);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
};

}  // namespace mon::net
