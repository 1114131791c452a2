#pragma once
// From a compiled module to what plan/apply work on: the chosen target, the objects the
// source wants there, and a Remote for it (the only place the API key is read).
#include <functional>
#include <memory>

#include "diff.h"
#include "net/http.h"
#include "net/retry.h"

namespace mon::engine {

/// Where a plan goes, resolved from an ir::Target or a plan file.
struct TargetSpec {
  std::string kind;  // "mackerel", "local", "prometheus" or "grafana"
  std::string name;
  std::string where;   // base URL (mackerel, prometheus, grafana) or directory (local)
  std::string keyEnv;  // mackerel: api_key_env; grafana: token_env
  std::string dir;     // prometheus: rules_dir
};

/// The target called `name`, or when `name` is empty the only mackerel/local target (or, when
/// there is none, the only prometheus/grafana target). Prometheus and grafana targets are
/// planned by direct_target.h, not through a Remote.
bool chooseTarget(const ir::Module& m, const std::string& name, TargetSpec& out, std::string& err);

/// The monitors and dashboards for target `name` as the API takes them, with source lines.
/// False with `err` when two objects share a key.
bool desiredObjects(const ir::Module& m, const SourceManager& sm, const std::string& target, std::vector<Desired>& out,
                    std::string& err);

struct RemoteOptions {
  std::function<void(const std::string&)> log;  // HTTP log lines (no headers, no key)
  net::RetryPolicy retry;
  net::ClientOptions http;              // timeouts of the default client
  std::shared_ptr<net::Client> client;  // default: libcurl with `http`
  std::function<const char*(const char*)> getenv;  // default: ::getenv
};

/// The secret (API key, token) in environment variable `name`, for target `what`: one trailing
/// line break and surrounding blanks removed (as `$(cat keyfile)` or a file read leaves them).
/// False with `err` naming the variable, never its value, when it is unset, empty, or still
/// holds a control character (a CR/LF would end or add HTTP headers).
bool secretFromEnv(const RemoteOptions& opts, const std::string& name, const std::string& what, std::string& value,
                   std::string& err);

/// Opens the target. For mackerel, reads the key from the environment variable; the error
/// names the variable, never the value.
std::unique_ptr<Remote> openRemote(const TargetSpec& t, const RemoteOptions& opts, std::string& err);

}  // namespace mon::engine
