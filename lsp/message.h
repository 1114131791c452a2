#pragma once
// Parsing a JSON-RPC message body. A didOpen of a large document carries the whole text as one
// JSON string (megabytes), which nlohmann's lexer reads a byte at a time: for an 86,000-line
// file that cost about 30 ms of CPU before its compile could start. Long strings are therefore
// decoded here, a run of plain bytes at a time, and only the rest goes through the JSON parser.
#include <string>

#include "protocol.h"

namespace mon::lsp {

/// The message in `body`, as json::parse(body) gives it; discarded (is_discarded()) when it is
/// not JSON. Strings of at least kLongString bytes that are values (not keys) are decoded
/// without the JSON lexer when they are well-formed (else the whole body goes through it, so
/// that what is rejected, and how, does not change).
json parseMessage(const std::string& body);

constexpr size_t kLongString = 16 * 1024;

}  // namespace mon::lsp
