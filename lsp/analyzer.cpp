#include "analyzer.h"

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

namespace mon::lsp {

struct Analyzer::State {
  std::mutex mutex;
  std::condition_variable work, finished;
  std::deque<std::unique_ptr<AnalysisJob>> waiting;
  std::vector<std::unique_ptr<AnalysisJob>> done;
  bool compiling = false, stop = false;
  std::thread worker;
  int wake[2] = {-1, -1};  // a pipe: one byte per finished job
  ~State() {
    for (int fd : wake)
      if (fd >= 0) ::close(fd);
  }
};

Analyzer::Analyzer() : state_(std::make_shared<State>()) {
  if (::pipe2(state_->wake, O_NONBLOCK | O_CLOEXEC) != 0) state_->wake[0] = state_->wake[1] = -1;
}

Analyzer::~Analyzer() {
  std::unique_lock lock(state_->mutex);
  state_->stop = true;
  state_->waiting.clear();
  bool compiling = state_->compiling;
  lock.unlock();
  state_->work.notify_all();
  if (!state_->worker.joinable()) return;
  if (compiling) state_->worker.detach();  // it holds its own reference to the state
  else state_->worker.join();
}

void Analyzer::work(std::shared_ptr<State> s) {
  for (;;) {
    std::unique_lock lock(s->mutex);
    s->work.wait(lock, [&] { return s->stop || !s->waiting.empty(); });
    if (s->stop) return;
    std::unique_ptr<AnalysisJob> job = std::move(s->waiting.front());
    s->waiting.pop_front();
    s->compiling = true;
    lock.unlock();
    try {
      job->run();
    } catch (const std::exception& e) {  // a bug, not bad input: report it and keep serving
      std::cerr << "monitorc lsp: internal error while analysing '" << job->path << "': " << e.what() << "\n";
      job->analysis.reset();
      job->failed = true;
    }
    lock.lock();
    s->compiling = false;
    if (s->stop) return;
    s->done.push_back(std::move(job));
    lock.unlock();
    s->finished.notify_all();
    if (s->wake[1] >= 0) (void)!::write(s->wake[1], "x", 1);  // a full pipe is readable anyway
  }
}

void Analyzer::submit(std::unique_ptr<AnalysisJob> job) {
  std::unique_lock lock(state_->mutex);
  state_->waiting.push_back(std::move(job));
  if (!state_->worker.joinable()) state_->worker = std::thread(work, state_);
  lock.unlock();
  state_->work.notify_one();
}

bool Analyzer::updateWaiting(const std::string& path, const std::function<void(AnalysisJob&)>& update) {
  std::lock_guard lock(state_->mutex);
  for (auto& job : state_->waiting)
    if (job->path == path) {
      update(*job);
      return true;
    }
  return false;
}

std::vector<std::unique_ptr<AnalysisJob>> Analyzer::takeFinished() {
  std::lock_guard lock(state_->mutex);
  char drain[256];
  if (state_->wake[0] >= 0)
    while (::read(state_->wake[0], drain, sizeof drain) > 0) {
    }
  return std::exchange(state_->done, {});
}

bool Analyzer::waitFinished(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mutex);
  return state_->finished.wait_until(lock, deadline, [&] { return !state_->done.empty(); });
}

bool Analyzer::idle() {
  std::lock_guard lock(state_->mutex);
  return state_->waiting.empty() && !state_->compiling && state_->done.empty();
}

int Analyzer::wakeFd() const { return state_->wake[0]; }

}  // namespace mon::lsp
