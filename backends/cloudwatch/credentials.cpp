#include "cloudwatch/credentials.h"

#include <fstream>
#include <sstream>

namespace mon::cloudwatch {

namespace {

std::string var(const GetEnv& env, const char* name) {
  const char* v = env ? env(name) : std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string fileOf(const GetEnv& env, const char* variable, const char* leaf) {
  std::string f = var(env, variable);
  if (!f.empty()) return f;
  std::string home = var(env, "HOME");
  return home.empty() ? "" : home + "/.aws/" + leaf;
}

std::string readFile(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string profileOf(const GetEnv& env, const std::string& declared) {
  if (!declared.empty()) return declared;
  std::string p = var(env, "AWS_PROFILE");
  return p.empty() ? "default" : p;
}

// A value with a control character would end the header it goes into.
bool clean(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

std::map<std::string, std::string> iniSection(const std::string& text, const std::string& section) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      inside = trim(t.substr(1, t.size() - 2)) == section;
      continue;
    }
    size_t eq = t.find('=');
    if (inside && eq != std::string::npos) out[trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
  }
  return out;
}

bool findCredentials(const GetEnv& env, const std::string& declaredProfile, Credentials& out, std::string& err) {
  out = Credentials{};
  std::string id = trim(var(env, "AWS_ACCESS_KEY_ID")), secret = trim(var(env, "AWS_SECRET_ACCESS_KEY"));
  if (!id.empty() && !secret.empty()) {
    out = {id, secret, trim(var(env, "AWS_SESSION_TOKEN"))};
  } else {
    std::string profile = profileOf(env, declaredProfile);
    std::string credFile = fileOf(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    std::string confFile = fileOf(env, "AWS_CONFIG_FILE", "config");
    auto c = iniSection(readFile(credFile), profile);
    if (c.count("aws_access_key_id") == 0)
      c = iniSection(readFile(confFile), profile == "default" ? "default" : "profile " + profile);
    out = {c["aws_access_key_id"], c["aws_secret_access_key"], c["aws_session_token"]};
    if (out.accessKeyId.empty() || out.secretAccessKey.empty()) {
      err = "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile '" + profile +
            "' aws_access_key_id and aws_secret_access_key in " + (credFile.empty() ? "~/.aws/credentials" : credFile) +
            " or " + (confFile.empty() ? "~/.aws/config" : confFile);
      return false;
    }
  }
  if (!clean(out.accessKeyId) || !clean(out.secretAccessKey) || !clean(out.sessionToken))
    return (err = "the AWS credentials contain a control character", false);
  return true;
}

std::string findRegion(const GetEnv& env, const std::string& profile, const std::string& declared) {
  if (!declared.empty()) return declared;
  for (const char* v : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (std::string r = trim(var(env, v)); !r.empty()) return r;
  std::string p = profileOf(env, profile);
  auto c = iniSection(readFile(fileOf(env, "AWS_CONFIG_FILE", "config")), p == "default" ? "default" : "profile " + p);
  return c["region"];
}

}  // namespace mon::cloudwatch
