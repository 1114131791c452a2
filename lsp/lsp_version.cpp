// Keeps the lsp library non-empty while it grows.
namespace mon::lsp { const char* version() { return "0.1.0"; } }
