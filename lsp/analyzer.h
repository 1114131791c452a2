#pragma once
// Analyses on a worker thread, so that the server keeps reading and answering while a
// document compiles: the server thread hands over AnalysisJobs (see workspace.h) and takes
// them back finished. A job still waiting can be brought up to date, so a burst of edits
// costs one compile of the newest text, not one per edit.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "workspace.h"

namespace mon::lsp {

class Analyzer {
 public:
  Analyzer();
  /// Stops the worker. A job that is still compiling is left to finish on its own (a compile
  /// cannot be interrupted); its result is dropped.
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Queues a job (the worker starts on the first one).
  void submit(std::unique_ptr<AnalysisJob> job);
  /// Applies `update` to the queued job for `path`; false when there is none waiting (it is
  /// compiling or done).
  bool updateWaiting(const std::string& path, const std::function<void(AnalysisJob&)>& update);
  /// The jobs finished since the last call, oldest first.
  std::vector<std::unique_ptr<AnalysisJob>> takeFinished();
  /// Waits until a finished job can be taken or `deadline` passes; true in the first case.
  bool waitFinished(std::chrono::steady_clock::time_point deadline);
  /// True when no job is queued, compiling or finished and not taken.
  bool idle();
  /// A descriptor that is readable while finished jobs wait to be taken (for poll()).
  int wakeFd() const;

 private:
  struct State;
  static void work(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;  // shared with the worker, which may outlive this object
};

}  // namespace mon::lsp
