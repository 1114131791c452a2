#pragma once
// External monitors on Zabbix 6.0: a web scenario (httptest) of one step on the owned template,
// whose items Zabbix makes itself (web.test.fail[NAME], web.test.time[NAME,request,resp], ...),
// read by the monitor's triggers (mapping.cpp). Here: the scenario as the API takes it, its
// canonical form, and the scenario read back as source (pull, import).
#include <string>
#include <vector>

#include "zabbix/mapping.h"

namespace mon::zabbix {

/// The name of the scenario's one step (its items' keys name it).
inline constexpr const char* kWebStep = "request";
/// The scenario's tag holding the monitor's `service`.
inline constexpr const char* kServiceTag = "monitorc_service";

/// `raw` keys of an external monitor that set the scenario (delay ...) or its step (timeout
/// ...) instead of its triggers.
bool isWebRawKey(const std::string& key);

/// The scenario for external monitor `m`: {name, delay, retries, agent, verify_peer,
/// verify_host, http_proxy, tags, steps: [{name, no, url, status_codes, required, timeout,
/// follow_redirects, posts, headers}]}. `whyNot` when Zabbix cannot run the request;
/// `dropped` what the scenario leaves out.
Json webScenario(const ir::Monitor& m, std::string& whyNot, std::vector<Dropped>& dropped);

/// The key of the scenario's item `item` ("fail", "error") or of its step's (`time`, `rspcode`):
/// `web.test.fail[NAME]`, `web.test.time[NAME,request,resp]`, the name quoted as Zabbix quotes it.
std::string webItemKey(const std::string& scenario, const std::string& item);

/// The scenario's compared fields as the API answers (httptest.get with selectSteps, selectTags)
/// or as webScenario writes them, in canonical form: values as text, Zabbix's defaults, tags
/// sorted.
Json normalizeWeb(const Json& web);

/// `"a.b"` -> `a\.b`: a literal as the regular expression a step's `required` is.
std::string regexLiteral(const std::string& s);
/// The literal `re` matches exactly when it is one (as regexLiteral writes it); false otherwise.
bool literalOfRegex(const std::string& re, std::string& out);

}  // namespace mon::zabbix
