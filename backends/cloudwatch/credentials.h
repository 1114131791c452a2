#pragma once
// Where the AWS CLI and SDKs find credentials and the region, in their order: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; AWS_REGION, AWS_DEFAULT_REGION),
// then the profile (the target's `profile`, else AWS_PROFILE, else "default") in the shared
// credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) and the shared
// config file (AWS_CONFIG_FILE, else ~/.aws/config, section "profile NAME"). Keys are never
// put into messages.
#include <functional>
#include <map>
#include <string>

#include "cloudwatch/sigv4.h"

namespace mon::cloudwatch {

using GetEnv = std::function<const char*(const char*)>;

/// The credentials; false with `err` saying where they were looked for (never a key).
bool findCredentials(const GetEnv& env, const std::string& profile, Credentials& out, std::string& err);
/// The region: `declared`, else the environment, else the profile's `region` in the config file;
/// "" when none is set.
std::string findRegion(const GetEnv& env, const std::string& profile, const std::string& declared);

/// The keys of `section` in INI text (`[section]`, `key = value`, `#`/`;` comments).
std::map<std::string, std::string> iniSection(const std::string& text, const std::string& section);

}  // namespace mon::cloudwatch
