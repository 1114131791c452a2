#include "driver/load.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "parse/parse.h"
#include "support/hash.h"
#include "support/files.h"
#include "support/memory.h"
#include "support/parallel.h"

namespace mon {

namespace fs = std::filesystem;

bool DiskFileReader::read(const std::string& path, std::string& text, std::string& error) {
  // Regular files only, and at most kMaxSourceBytes: `import "/dev/zero"` or a FIFO is an error,
  // not an endless read or a hang.
  return readRegularFile(path, text, error, kMaxSourceBytes);
}

std::vector<std::string> expandPaths(const std::vector<std::string>& paths, std::vector<std::string>& errors,
                                     std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code ignored;
        if (it->is_directory(ignored) && fs::exists(it->path() / kPulledMarker, ignored)) {
          it.disable_recursion_pending();
          if (skipped) skipped->push_back(it->path().lexically_normal().string());
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".mon") found.push_back(it->path().lexically_normal().string());
      }
      if (ec) errors.push_back("cannot read directory '" + p + "': " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back("no .mon files in '" + p + "'");
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(fs::path(p).lexically_normal().string());
    }
  }
  return out;
}

// Loads files depth first along their imports. The named files are read first and parsed on
// other threads ahead of the loading (they are independent until their imports are followed);
// their diagnostics are merged when the loading reaches them, so the output order does not
// depend on threads.
class RootLoader::Impl {
 public:
  Impl(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags, FileReader& reader,
       Program& program, size_t parseAhead, bool lazyImports,
       const std::function<void(FileId, const std::string&)>& onNamedRead)
      : sm_(sm), diags_(diags), reader_(reader), program_(program), paths_(paths), lazy_(lazyImports),
        incremental_(lazyImports),
        parseAhead_(parseAhead) {
    readNamedFiles(onNamedRead);
    size_t threads = std::min(workerThreads(), slots_.size());
    // Lazy, the caller frees each tree as it expands it, while the IR it makes grows: the
    // workers allocate from the caller's heap, so that the IR reuses the trees' pages (in heaps
    // of their own, the 10,000-monitor build's peak was 3-4 MB higher). Eager (the language
    // server), the trees stay, and each worker keeps a heap of its own: the threads then do not
    // contend for one, and opening a large file was a quarter slower without.
    unsigned heap = lazyImports ? currentHeap() : 0;
    for (size_t t = 1; t < threads; ++t)
      pool_.emplace_back([this, heap, lazyImports] {
        if (lazyImports) useHeap(heap);
        parseLoop();
      });
  }

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (auto& t : pool_) t.join();
  }

  size_t rootCount() const { return paths_.size(); }
  const std::vector<FileId>& loaded() const { return loaded_; }

  void parseAheadAll() {
    incremental_ = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      parseAhead_ = slots_.size();
    }
    changed_.notify_all();
  }

  FileId loadRoot(size_t i) {
    rootsLoaded_ = std::max(rootsLoaded_, i + 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      window_ = std::max(window_, namedBefore(i));
    }
    changed_.notify_all();
    FileId id = loadFile(paths_[i], Range{}, {});
    if (id != kNoFile && std::find(program_.roots.begin(), program_.roots.end(), id) == program_.roots.end())
      program_.roots.push_back(id);
    return id;
  }

  FileId importOf(FileId from, const ast::Stmt& import, size_t index) {
    parseFramesWhole();
    LoadedFile& lf = program_.files[from];
    if (index < lf.imports.size()) return lf.imports[index];  // followed already (eager)
    std::vector<std::string> stack;
    for (const auto& f : frames_) stack.push_back(f.key);
    FileId dep = resolveImport(from, import, stack);
    lf.imports.push_back(dep);
    return dep;
  }

  bool more(FileId file) {
    auto it = program_.files.find(file);
    return it != program_.files.end() && takeMore(it->second);
  }

  void fileExpanded(FileId file) {
    if (frames_.empty() || frames_.back().id != file) return;
    onStack_.erase(frames_.back().key);
    frames_.pop_back();
  }

  void loadEverything() {
    if (!lazy_) return;
    lazy_ = false;
    incremental_ = false;
    parseFramesWhole();
    for (; !frames_.empty(); frames_.pop_back()) {
      const Frame& f = frames_.back();
      std::vector<std::string> stack;
      for (const auto& outer : frames_) stack.push_back(outer.key);
      LoadedFile& lf = program_.files[f.id];
      size_t index = 0;
      for (const auto& st : lf.ast.stmts) {
        // Expanded statements are freed; import statements are kept.
        if (!st || st->kind != ast::StmtKind::Import) continue;
        if (index++ < lf.imports.size()) continue;
        lf.imports.push_back(resolveImport(f.id, *st, stack));
      }
      onStack_.erase(f.key);
    }
    for (size_t i = rootsLoaded_; i < paths_.size(); ++i) loadRoot(i);
  }

 private:
  static std::string key(const std::string& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    return (ec ? fs::path(path) : abs).lexically_normal().string();
  }

  enum class SlotState { Waiting, Parsing, Parsed, Taken };

  // A named file read at the start, parsed by whichever thread gets to it first.
  struct Slot {
    FileId id = kNoFile;
    std::shared_ptr<const std::string> text;  // shared with the SourceManager and the tree; null while released
    const std::string* path = nullptr;
    std::pair<size_t, uint64_t> released{};   // the size and hash of the text released
    std::string unread;                       // why it could not be read again as it was
    SlotState state = SlotState::Waiting;
    ast::File ast;
    std::unique_ptr<StatementFeed> rest;  // incremental: the statements not parsed yet
    DiagEngine diags;
  };

  void readNamedFiles(const std::function<void(FileId, const std::string&)>& onNamedRead) {
    for (const auto& p : paths_) {
      slotsBeforePath_.push_back(slots_.size());
      std::string k = key(p), text, error;
      if (ids_.count(k) || !reader_.read(p, text, error) || text.size() > kMaxSourceBytes) continue;
      FileId id = sm_.add(p, std::move(text));
      ids_[k] = id;
      slotOf_[id] = slots_.size();
      slots_.emplace_back();
      Slot& slot = slots_.back();
      slot.id = id;
      slot.path = &sm_.path(id);
      if (lazy_) {
        if (onNamedRead) onNamedRead(id, *sm_.sharedText(id));
        // Those parsed at once keep their text (a one-file build reads its file once).
        if (slots_.size() > parseAhead_ + 1) {
          sm_.setAside(id);
          slot.released = sm_.releasedAs(id);
        }
      }
      slot.text = sm_.sharedText(id);
    }
  }

  // How many slots belong to the named files up to the i-th (the parse window's base).
  size_t namedBefore(size_t i) const { return i + 1 < slotsBeforePath_.size() ? slotsBeforePath_[i + 1] : slots_.size(); }

  // The next slot a free thread may parse, or none: at most parseAhead_ beyond the named file
  // being loaded. Call with mu_ held.
  Slot* nextToParse() {
    while (nextWaiting_ < slots_.size() && slots_[nextWaiting_].state != SlotState::Waiting) ++nextWaiting_;
    if (nextWaiting_ >= slots_.size() || nextWaiting_ >= window_ + parseAhead_) return nullptr;
    return &slots_[nextWaiting_];
  }

  // Parses a claimed slot without the lock; returns with it held again.
  void parseSlot(Slot& slot, std::unique_lock<std::mutex>& lock) {
    slot.state = SlotState::Parsing;
    lock.unlock();
    slot.diags.setErrorLimit(1000);
    if (!slot.text) readAgain(slot);
    if (slot.text) slot.ast = parseFile(slot.id, slot.text, slot.diags, slot.rest);
    lock.lock();
    slot.state = SlotState::Parsed;
    changed_.notify_all();
  }

  // The text of a released named file, read again: the same as first read, or `unread` says why not.
  void readAgain(Slot& slot) {
    std::string text, error;
    if (!reader_.read(*slot.path, text, error)) {
      slot.unread = error;
    } else if (text.size() != slot.released.first || wordHash(text) != slot.released.second) {
      slot.unread = "it changed while monitorc was reading the source; run monitorc again";
    } else {
      slot.text = std::make_shared<const std::string>(std::move(text));
    }
  }

  void parseLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      Slot* slot = nullptr;
      changed_.wait(lock, [&] { return stop_ || (slot = nextToParse()) != nullptr || nextWaiting_ >= slots_.size(); });
      if (!slot) return;  // stopped, or nothing left to parse
      parseSlot(*slot, lock);
    }
  }

  // The tree and diagnostics of a named file, parsed here if no other thread has started it;
  // while another thread parses it, this one parses the next file when the window allows.
  Slot& take(size_t index) {
    std::unique_lock<std::mutex> lock(mu_);
    Slot& slot = slots_[index];
    window_ = std::max(window_, index + 1);  // an import of a named file further on
    changed_.notify_all();
    while (slot.state != SlotState::Parsed) {
      if (slot.state == SlotState::Waiting) {
        parseSlot(slot, lock);
        continue;
      }
      if (Slot* other = nextToParse()) {
        parseSlot(*other, lock);
        continue;
      }
      changed_.wait(lock);
    }
    slot.state = SlotState::Taken;
    return slot;
  }

  // Loads one file and, depth first, its imports. `stack` holds the import chain for cycles.
  FileId loadFile(const std::string& path, Range importedAt, std::vector<std::string> stack) {
    std::string k = key(path);
    auto known = ids_.find(k);
    if (known != ids_.end()) {
      auto named = slotOf_.find(known->second);
      if (named == slotOf_.end()) return known->second;  // loaded already
      FileId id = known->second;
      Slot& slot = take(named->second);
      slotOf_.erase(named);
      if (!slot.unread.empty()) {
        diags_.report(importedAt, importedAt.valid() ? diag::err_import_not_found : diag::err_cannot_read,
                      {path, slot.unread});
        return kNoFile;
      }
      sm_.reclaim(id, slot.text);  // a released text read again (else a no-op)
      slot.text.reset();  // the tree keeps it as long as it views it
      for (const auto& d : slot.diags.all()) diags_.append(d);
      slot.diags = DiagEngine();
      return followImports(id, k, std::move(slot.ast), std::move(slot.rest), std::move(stack));
    }
    std::string text, error;
    if (!reader_.read(path, text, error)) {
      if (importedAt.valid()) diags_.report(importedAt, diag::err_import_not_found, {path, error});
      else diags_.report(Range{}, diag::err_cannot_read, {path, error});
      return kNoFile;
    }
    if (text.size() > kMaxSourceBytes) {
      diags_.report(importedAt, diag::err_file_too_large, {std::to_string(text.size()), std::to_string(kMaxSourceBytes)});
      return kNoFile;
    }
    FileId id = sm_.add(path, std::move(text));
    ids_[k] = id;
    std::unique_ptr<StatementFeed> rest;
    ast::File file = parseFile(id, sm_.sharedText(id), diags_, rest);
    return followImports(id, k, std::move(file), std::move(rest), std::move(stack));
  }

  // Incremental (this may run on a parse-ahead thread), the statements of a large file are left
  // to a feed the caller drains as it expands the file.
  ast::File parseFile(FileId id, const std::shared_ptr<const std::string>& text, DiagEngine& diags,
                      std::unique_ptr<StatementFeed>& rest) {
    return incremental_ ? parseIncrementally(id, text, diags, rest) : parse(id, text, diags);
  }

  // The next statements of `lf`'s feed into its tree; false once there are none (the feed, its
  // tokens and threads, are then let go).
  bool takeMore(LoadedFile& lf) {
    if (!lf.rest) return false;
    if (lf.rest->next(lf.ast, diags_)) return true;
    lf.rest.reset();
    return false;
  }

  // Every statement of `lf` parsed.
  void parseWhole(LoadedFile& lf) {
    while (takeMore(lf)) {
    }
  }

  // The files being expanded, parsed whole: before another file is loaded, whose parse reports
  // after theirs, and before their import statements are read all at once.
  void parseFramesWhole() {
    for (const Frame& f : frames_) parseWhole(program_.files[f.id]);
  }

  FileId followImports(FileId id, const std::string& k, ast::File file, std::unique_ptr<StatementFeed> rest,
                       std::vector<std::string> stack) {
    LoadedFile& lf = program_.files[id];
    loaded_.push_back(id);
    lf.ast = std::move(file);
    lf.rest = std::move(rest);
    if (lazy_) {  // followed as the file is expanded: importOf()
      frames_.push_back(Frame{id, k});
      onStack_.insert(k);
      return id;
    }
    parseWhole(lf);  // its imports are followed now
    stack.push_back(k);
    onStack_.insert(k);
    for (const auto& st : lf.ast.stmts) {
      if (st->kind != ast::StmtKind::Import) continue;
      lf.imports.push_back(resolveImport(id, *st, stack));
    }
    onStack_.erase(k);
    return id;
  }

  FileId resolveImport(FileId from, const ast::Stmt& st, const std::vector<std::string>& stack) {
    if (!st.value || st.value->kind != ast::ExprKind::String || st.value->parts.size() > 1 ||
        (st.value->parts.size() == 1 && st.value->parts[0].expr))
      return kNoFile;
    std::string rel = st.value->parts.empty() ? "" : st.value->parts[0].text;
    fs::path target = (fs::path(sm_.path(from)).parent_path() / rel).lexically_normal();
    std::string k = key(target.string());
    if (onStack_.count(k)) {
      std::string chain;
      auto it = std::find(stack.begin(), stack.end(), k);
      for (; it != stack.end(); ++it) chain.append("'").append(fs::path(*it).filename().string()).append("' -> ");
      chain.append("'").append(target.filename().string()).append("'");  // append: GCC 12 warns (-Wrestrict) on the operator+ form
      diags_.report(st.value->range, diag::err_import_cycle, {target.string(), chain});
      return kNoFile;
    }
    if (program_.files.size() > 10000) return kNoFile;  // a generated import explosion
    // Copy the program_ reference lookups after recursion: map nodes are stable.
    return loadFile(target.string(), st.value->range, stack);
  }

  SourceManager& sm_;
  DiagEngine& diags_;
  FileReader& reader_;
  Program& program_;
  std::vector<std::string> paths_;
  std::map<std::string, FileId> ids_;
  std::set<std::string> onStack_;
  std::vector<FileId> loaded_;
  bool lazy_;
  // Lazy, and not told to parse everything: files large enough are left to a feed. Read by the
  // parse-ahead threads. Once everything is to be loaded a feed has nothing to overlap with,
  // and the files parsed ahead would each keep their helper threads waiting.
  std::atomic<bool> incremental_;
  // Lazy: the files being expanded, outermost first (the import chain load() would have).
  struct Frame {
    FileId id;
    std::string key;
  };
  std::vector<Frame> frames_;
  size_t rootsLoaded_ = 0;
  // The named files' parses. The slots are made before any thread starts and never move; a
  // slot's state, and the window, are read and written under mu_.
  std::deque<Slot> slots_;
  std::vector<size_t> slotsBeforePath_;  // per path: the slots of the paths before it
  std::map<FileId, size_t> slotOf_;      // named files not loaded yet -> their slot
  std::mutex mu_;
  std::condition_variable changed_;
  size_t nextWaiting_ = 0;
  size_t window_ = 0;  // slots up to the named file being loaded
  size_t parseAhead_;
  bool stop_ = false;
  std::vector<std::thread> pool_;
};

RootLoader::RootLoader(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags,
                       FileReader& reader, Program& program, size_t parseAhead, bool lazyImports,
                       const std::function<void(FileId, const std::string&)>& onNamedRead)
    : impl_(std::make_unique<Impl>(paths, sm, diags, reader, program, parseAhead, lazyImports, onNamedRead)) {}
RootLoader::~RootLoader() = default;
size_t RootLoader::rootCount() const { return impl_->rootCount(); }
FileId RootLoader::loadRoot(size_t i) { return impl_->loadRoot(i); }
const std::vector<FileId>& RootLoader::loaded() const { return impl_->loaded(); }
void RootLoader::parseAheadAll() { impl_->parseAheadAll(); }
FileId RootLoader::importOf(FileId from, const ast::Stmt& import, size_t index) {
  return impl_->importOf(from, import, index);
}
bool RootLoader::more(FileId file) { return impl_->more(file); }
void RootLoader::fileExpanded(FileId file) { impl_->fileExpanded(file); }
void RootLoader::loadEverything() { impl_->loadEverything(); }

Program load(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags, FileReader& reader) {
  Program program;
  RootLoader loader(paths, sm, diags, reader, program, static_cast<size_t>(-1) / 2, /*lazyImports=*/false);
  for (size_t i = 0; i < loader.rootCount(); ++i) loader.loadRoot(i);
  return program;
}

}  // namespace mon
