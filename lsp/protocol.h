#pragma once
// LSP protocol pieces: URIs, JSON-RPC error codes, and conversions from the workspace layer's
// byte ranges and features to LSP JSON (UTF-16 positions are computed here, at the edge).
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "lsp_features.h"
#include "line_index.h"

namespace mon::lsp {

using json = nlohmann::json;

namespace rpc {
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kServerNotInitialized = -32002;
constexpr int kRequestFailed = -32803;
}  // namespace rpc

/// An error a handler raises to answer a request with a JSON-RPC error.
struct RpcError {
  int code;
  std::string message;
};

/// The id of a JSON-RPC request found in the first bytes of its body (a number or a string
/// under the top-level key "id", seen before the bytes end or stop being JSON); null if none.
/// Used to answer a message too large to read whole.
json requestIdIn(const std::string& prefix);

/// `file:///a%20b/c.mon` -> `/a b/c.mon`; any other URI is returned unchanged.
std::string uriToPath(const std::string& uri);
/// `/a b/c.mon` -> `file:///a%20b/c.mon`.
std::string pathToUri(const std::string& path);

json toJson(Position p);
/// Reads a Position; throws RpcError(kInvalidParams) when it is not one.
Position positionFrom(const json& j);
json rangeJson(const LineIndex& index, uint32_t begin, uint32_t end);

/// LSP Diagnostic from a compiler diagnostic in a file with `index`; `uriOf` maps file ids
/// to URIs for related information, `indexOf` (when set) gives the line index of a file, so
/// that many notes in one file share one (a lint run has hundreds).
json diagnosticJson(const Diagnostic& d, const LineIndex& index, const SourceManager& sm,
                    const std::function<std::string(FileId)>& uriOf,
                    const std::function<const LineIndex&(FileId)>& indexOf = {});
json completionJson(const CompletionItem& item, const LineIndex& index);
json symbolJson(const Symbol& s, const LineIndex& index);

}  // namespace mon::lsp
