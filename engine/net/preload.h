#pragma once
// Loading libcurl (http.h: loaded with dlopen on first use) maps about 37 shared libraries and
// takes tens of milliseconds; a command that knows it will talk to a server can have that done
// on another thread while it does something else (plan: while the source is parsed).
#include <string>

namespace mon::net {

/// Loads `library` as makeCurlClient would, on the calling thread; a client made afterwards
/// (on any thread) finds it loaded. Failing to load is reported by the client's requests.
void preloadCurl(const std::string& library = "libcurl.so.4");

}  // namespace mon::net
