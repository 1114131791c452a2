#pragma once
// The CloudWatch API over its query protocol (botocore's model says "protocol": "query"): one
// POST of form-encoded `Action=...&Version=2010-08-01&...` per call, signed with SigV4 for the
// service "monitoring", answered with XML. Every action used here is idempotent (a put
// overwrites, a delete of what is gone fails as a whole), so throttling (Throttling,
// RequestLimitExceeded ...), 5xx answers and lost connections are retried by the engine's
// retry policy.
#include <memory>
#include <string>
#include <vector>

#include "cloudwatch/sigv4.h"
#include "cloudwatch/xml.h"
#include "ir/ir.h"
#include "net/http.h"
#include "net/retry.h"

namespace mon::cloudwatch {

class Api {
 public:
  Api(std::shared_ptr<net::Client> client, std::string endpoint, std::string region, Credentials creds, net::RetryPolicy retry);
  /// Calls `action` with `params` (API names, JSON values: lists become `Name.member.N`,
  /// structures `Name.Field`); `result` is the <ACTIONResult> element. False with `err`
  /// ("PutMetricAlarm: ValidationError: ...") on failure.
  bool call(const std::string& action, const ir::Json& params, XmlNode& result, std::string& err);
  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }

 private:
  std::shared_ptr<net::Client> client_;
  std::string endpoint_, region_;
  Credentials creds_;
  net::RetryPolicy retry_;
};

/// The form body of `action` with `params`, in the query protocol's flattening.
std::string formBody(const std::string& action, const ir::Json& params);

/// The endpoint for `region`: https://monitoring.REGION.amazonaws.com (amazonaws.com.cn in China).
std::string defaultEndpoint(const std::string& region);

}  // namespace mon::cloudwatch
