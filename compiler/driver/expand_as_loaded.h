#pragma once
// build's and check's way through loading and expansion: each file is expanded as soon as it is
// loaded, so about one file's syntax tree is in memory at a time (the language server, which
// keeps the trees, loads everything first with load() instead).
#include <functional>
#include <string>
#include <vector>

#include "driver/compile.h"

namespace mon {

/// Loads `paths` into `c` (sources, program, diagnostics) and expands each file as soon as it
/// and the files it imports are loaded, handing every object to `consume`. `onParsed` is called
/// once every file is loaded. Diagnostics come out in load()-then-expand() order. With
/// `releaseSources`, the text of a file whose tree is all freed once it is expanded (it declares
/// no template) is released (SourceManager::release: the sources' reloader reads it again).
void expandAsLoaded(const std::vector<std::string>& paths, const ExpandOptions& eo, FileReader& reader, Compilation& c,
                    const std::function<void(Object&&)>& consume, const std::function<void()>& onParsed,
                    bool releaseSources = false);

}  // namespace mon
