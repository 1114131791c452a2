#include "net/work_queue.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace mon::net {

void WorkQueue::add(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

// Waits for a job while one is queued or a running job may still add one; false when neither.
bool WorkQueue::next(std::function<void()>& job) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !jobs_.empty() || running_ == 0; });
  if (jobs_.empty()) return false;
  job = std::move(jobs_.front());
  jobs_.pop_front();
  ++running_;
  return true;
}

void WorkQueue::run(size_t workers) {
  auto work = [this] {
    for (std::function<void()> job; next(job);) {
      job();
      job = nullptr;  // what the job holds goes before the next wait
      bool done;
      {
        std::lock_guard<std::mutex> lock(mu_);
        done = --running_ == 0 && jobs_.empty();
      }
      // The last job to finish wakes the idle workers so they can return.
      if (done) cv_.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < std::max<size_t>(1, workers); ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

}  // namespace mon::net
