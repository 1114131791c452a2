// Keeps the engine library non-empty while it grows.
namespace mon::engine { const char* version() { return "0.1.0"; } }
