#pragma once
// AWS Signature Version 4 for one request (docs.aws.amazon.com/IAM/latest/UserGuide/
// reference_sigv-create-signed-request.html): the canonical request, the string to sign, the
// signing key derived from the secret, and the Authorization header. The engine's HTTP seam
// carries requests of every system, so the signature is made here, on the request as sent.
#include <string>
#include <vector>

#include "net/http.h"

namespace mon::cloudwatch {

struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // temporary credentials only
};

/// Adds X-Amz-Date (from `amzDate`, "YYYYMMDDTHHMMSSZ"), X-Amz-Security-Token when there is a
/// session token, and Authorization to `req`, signing every header it has then plus Host.
/// `req.url` is absolute; its path and query are canonicalised as SigV4 asks.
void signV4(net::Request& req, const Credentials& creds, const std::string& region, const std::string& service,
            const std::string& amzDate);

/// The current UTC time as SigV4's "YYYYMMDDTHHMMSSZ".
std::string amzNow();

/// Lower-case hex of SHA-256 of `data`.
std::string sha256Hex(const std::string& data);

}  // namespace mon::cloudwatch
