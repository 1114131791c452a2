// Unit tests of the cloudwatch backend's helpers: SigV4 against AWS's published test suite
// (get-vanilla) and a vector computed by botocore, the query protocol's form flattening, the
// XML answers, the credential files, PutMetricAlarm's rules and the canonical form; dashboard
// names, bodies and the header that marks them; composite alarms' rules; import's file shapes.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <unistd.h>

#include "cloudwatch/alarm_remote.h"
#include "cloudwatch/credentials.h"
#include "cloudwatch/dashboard.h"
#include "cloudwatch/dashboard_source.h"
#include "cloudwatch/import.h"
#include "cloudwatch/mapping.h"
#include "cloudwatch/query_api.h"
#include "cloudwatch/sigv4.h"
#include "cloudwatch/xml.h"

using namespace mon::cloudwatch;
using Json = mon::ir::Json;

namespace {
std::string header(const mon::net::Request& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}
}  // namespace

TEST_CASE("SigV4: AWS's get-vanilla test") {
  mon::net::Request r;
  r.method = "GET";
  r.url = "https://example.amazonaws.com/";
  signV4(r, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""}, "us-east-1", "service", "20150830T123600Z");
  CHECK(header(r, "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  CHECK(header(r, "X-Amz-Date") == "20150830T123600Z");
}

TEST_CASE("SigV4: a CloudWatch POST with a session token, as botocore signs it") {
  mon::net::Request r;
  r.method = "POST";
  r.url = "http://127.0.0.1:8080/";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = "Action=DescribeAlarms&Version=2010-08-01";
  signV4(r, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok"}, "eu-west-1", "monitoring", "20261206T050000Z");
  std::string auth = header(r, "Authorization");
  CHECK(auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,") != std::string::npos);
  CHECK(auth.find("Signature=9283d62e059c9dbfecd9f00bbeffe738d4d75874cacf45c085112a724f45d5c4") != std::string::npos);
  CHECK(header(r, "X-Amz-Security-Token") == "tok");
  // The secret never goes into the request.
  for (const auto& [k, v] : r.headers) CHECK(v.find("wJalrXUtnFEMI") == std::string::npos);
}

TEST_CASE("query protocol: lists, structures, empty lists, booleans") {
  Json p = {{"AlarmName", "a b&c"},
            {"OKActions", Json::array()},
            {"ActionsEnabled", false},
            {"Threshold", 1.5},
            {"Metrics", {{{"Id", "m1"}, {"MetricStat", {{"Metric", {{"Dimensions", {{{"Name", "N"}, {"Value", "v/1"}}}}}}}}}}}};
  std::string b = formBody("PutMetricAlarm", p);
  CHECK(b.rfind("Action=PutMetricAlarm&Version=2010-08-01", 0) == 0);
  CHECK(b.find("&AlarmName=a%20b%26c") != std::string::npos);
  CHECK(b.find("&OKActions=&") != std::string::npos);
  CHECK(b.find("&ActionsEnabled=false") != std::string::npos);
  CHECK(b.find("&Threshold=1.5") != std::string::npos);
  CHECK(b.find("&Metrics.member.1.MetricStat.Metric.Dimensions.member.1.Value=v%2F1") != std::string::npos);
  CHECK(defaultEndpoint("eu-west-1") == "https://monitoring.eu-west-1.amazonaws.com");
}

TEST_CASE("XML answers become the API's JSON") {
  std::string xml = R"(<?xml version="1.0"?>
<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult><MetricAlarms>
<member><AlarmName>CPU &amp; more &#x263A;</AlarmName><OKActions/><Threshold>90.0</Threshold>
<Dimensions><member><Name>host</Name><Value>a</Value></member></Dimensions></member>
</MetricAlarms><NextToken>abc</NextToken></DescribeAlarmsResult></DescribeAlarmsResponse>)";
  XmlNode root;
  std::string err;
  REQUIRE(parseXml(xml, root, err));
  const XmlNode* r = root.child("DescribeAlarmsResult");
  REQUIRE(r);
  CHECK(r->childText("NextToken") == "abc");
  Json a = toJson(r->child("MetricAlarms")->children[0]);
  CHECK(a["AlarmName"] == "CPU & more \xE2\x98\xBA");
  CHECK(a["OKActions"] == Json::array());
  CHECK(a["Dimensions"][0]["Value"] == "a");
  CHECK_FALSE(parseXml("<a><b></a", root, err));
  CHECK_FALSE(parseXml("not xml", root, err));
}

TEST_CASE("credentials: environment first, then the profile in the shared files; never the key in errors") {
  std::string dir = "/tmp/monitorc-cw-unit-" + std::to_string(::getpid());
  std::string creds = dir + "-credentials", conf = dir + "-config";
  std::ofstream(creds) << "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = sdefault\n"
                          "# comment\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key = s ops\n";
  std::ofstream(conf) << "[profile ops]\nregion = ap-northeast-1\n[profile cfgonly]\naws_access_key_id = AKIACFG\n"
                         "aws_secret_access_key = scfg\n";
  std::map<std::string, std::string> env = {{"AWS_SHARED_CREDENTIALS_FILE", creds}, {"AWS_CONFIG_FILE", conf}};
  GetEnv get = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  Credentials c;
  std::string err;
  REQUIRE(findCredentials(get, "", c, err));
  CHECK(c.accessKeyId == "AKIADEFAULT");
  REQUIRE(findCredentials(get, "ops", c, err));
  CHECK(c.secretAccessKey == "s ops");
  CHECK(findRegion(get, "ops", "") == "ap-northeast-1");
  CHECK(findRegion(get, "ops", "eu-west-1") == "eu-west-1");
  REQUIRE(findCredentials(get, "cfgonly", c, err));
  CHECK(c.accessKeyId == "AKIACFG");
  env["AWS_PROFILE"] = "ops";
  REQUIRE(findCredentials(get, "", c, err));
  CHECK(c.accessKeyId == "AKIAOPS");
  env["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env["AWS_SECRET_ACCESS_KEY"] = "senv";
  env["AWS_REGION"] = "us-west-2";
  REQUIRE(findCredentials(get, "ops", c, err));
  CHECK(c.accessKeyId == "AKIAENV");
  CHECK(findRegion(get, "ops", "") == "us-west-2");
  env.erase("AWS_ACCESS_KEY_ID");
  CHECK_FALSE(findCredentials(get, "nobody", c, err));
  CHECK(err.find("nobody") != std::string::npos);
  CHECK(err.find("senv") == std::string::npos);
  std::remove(creds.c_str());
  std::remove(conf.c_str());
}

TEST_CASE("PutMetricAlarm's rules") {
  Json ok = {{"AlarmName", "a"}, {"MetricName", "m"}, {"Namespace", "n"}, {"Statistic", "Sum"}, {"Period", 60},
             {"EvaluationPeriods", 2}, {"DatapointsToAlarm", 2}, {"Threshold", 1}, {"ComparisonOperator", "GreaterThanThreshold"}};
  CHECK(checkAlarm(ok) == "");
  Json bad = ok;
  bad["DatapointsToAlarm"] = 3;
  CHECK(checkAlarm(bad).find("DatapointsToAlarm") != std::string::npos);
  bad = ok;
  bad["Period"] = 45;
  CHECK(checkAlarm(bad).find("Period") != std::string::npos);
  bad = ok;
  bad["ExtendedStatistic"] = "p99";
  CHECK(checkAlarm(bad).find("either Statistic or ExtendedStatistic") != std::string::npos);
  bad = ok;
  bad["Metrics"] = Json::array();
  CHECK(checkAlarm(bad).find("not both") != std::string::npos);
  Json math = {{"AlarmName", "b"}, {"EvaluationPeriods", 1}, {"Threshold", 1}, {"ComparisonOperator", "LessThanThreshold"},
               {"Metrics", {{{"Id", "q1"}, {"Expression", "m1*2"}, {"Period", 60}}, {{"Id", "m1"}, {"Expression", "SEARCH('x', 'Sum')"}, {"Period", 60}}}}};
  CHECK(checkAlarm(math).find("exactly one") != std::string::npos);
  math["Metrics"][1]["ReturnData"] = false;
  CHECK(checkAlarm(math) == "");
  math["Period"] = 60;
  CHECK(checkAlarm(math).find("single-metric") != std::string::npos);
}

TEST_CASE("canonical form: an alarm as read (XML text) equals the alarm as sent") {
  Json sent = {{"name", "a (critical)"},
               {"alarm",
                {{"AlarmName", "a (critical)"}, {"Metrics", {{{"Id", "q1"}, {"Expression", "SELECT 1"}, {"Period", 60}, {"ReturnData", true}}}},
                 {"EvaluationPeriods", 3}, {"DatapointsToAlarm", 3}, {"Threshold", 90}, {"ComparisonOperator", "GreaterThanThreshold"},
                 {"Tags", {{{"Key", "managed-by"}, {"Value", "monitorc"}}, {{"Key", "team"}, {"Value", "web"}}}}}}};
  Json described = {{"AlarmName", "a (critical)"}, {"AlarmArn", "arn:aws:cloudwatch:eu-west-1:1:alarm:a (critical)"},
                    {"ActionsEnabled", "true"}, {"OKActions", Json::array()}, {"AlarmActions", Json::array()},
                    {"InsufficientDataActions", Json::array()}, {"StateValue", "OK"}, {"EvaluationPeriods", "3"},
                    {"DatapointsToAlarm", "3"}, {"Threshold", "90.0"}, {"ComparisonOperator", "GreaterThanThreshold"},
                    {"Metrics", {{{"Id", "q1"}, {"Expression", "SELECT 1"}, {"Period", "60"}, {"ReturnData", "true"}}}}};
  Json tags = {{{"Key", "team"}, {"Value", "web"}}, {{"Key", "managed-by"}, {"Value", "monitorc"}}};
  Json read = {{"name", "a (critical)"}, {"alarm", alarmParams(described, tags)}};
  CHECK(normalize(mon::engine::ObjKind::Monitor, read) == normalize(mon::engine::ObjKind::Monitor, sent));
  described["Threshold"] = "95.0";
  read["alarm"] = alarmParams(described, tags);
  CHECK(normalize(mon::engine::ObjKind::Monitor, read) != normalize(mon::engine::ObjKind::Monitor, sent));
}

TEST_CASE("dashboard names and bodies: the API's rules") {
  CHECK(checkDashboardName("shop-overview_2") == "");
  CHECK(checkDashboardName("team/overview") != "");
  CHECK(checkDashboardName("") != "");
  CHECK(checkDashboardName(std::string(256, 'a')) != "");
  Json text = {{"type", "text"}, {"x", 0}, {"y", 0}, {"width", 6}, {"height", 2}, {"properties", {{"markdown", "hi"}}}};
  Json metric = {{"type", "metric"}, {"x", 6}, {"y", 0}, {"width", 6}, {"height", 6},
                 {"properties", {{"metrics", Json::array({Json::array({{{"expression", "SUM(METRICS())"}}})})}}}};
  CHECK(checkDashboardBody({{"widgets", Json::array({text})}}) == "");
  CHECK(checkDashboardBody(Json::object()) != "");
  // A metric widget names its region, except in a build for a target without one.
  CHECK(checkDashboardBody({{"widgets", Json::array({metric})}}).find("region") != std::string::npos);
  CHECK(checkDashboardBody({{"widgets", Json::array({metric})}}, false) == "");
  Json wide = text;
  wide["x"] = 24;
  CHECK(checkDashboardBody({{"widgets", Json::array({wide})}}) != "");
  Json many = Json::array();
  for (int i = 0; i < 501; ++i) many.push_back(text);
  CHECK(checkDashboardBody({{"widgets", many}}).find("500") != std::string::npos);
}

TEST_CASE("the header marks a dashboard as monitorc's and gives its title and memo back") {
  for (std::string memo : {std::string(""), std::string("Line one.\nLine two.")}) {
    Json header = {{"type", "text"}, {"x", 0}, {"y", 0}, {"width", 24}, {"height", headerHeight(memo)},
                   {"properties", {{"markdown", headerMarkdown("Shop: overview", memo)}}}};
    std::string title, back;
    REQUIRE(readHeader(header, title, back));
    CHECK(title == "Shop: overview");
    CHECK(back == memo);
    header["x"] = 1;
    CHECK_FALSE(readHeader(header, title, back));
  }
  Json plain = {{"type", "text"}, {"x", 0}, {"y", 0}, {"width", 24}, {"height", 2}, {"properties", {{"markdown", "# Mine"}}}};
  std::string title, memo;
  CHECK_FALSE(readHeader(plain, title, memo));
  // Key order is not meaning: a body read back in another order is the same body.
  CHECK(canonicalDashboard(Json::parse(R"({"widgets":[],"start":"-PT3H"})")) ==
        canonicalDashboard(Json::parse(R"({"start":"-PT3H","widgets":[]})")));
}

TEST_CASE("composite alarms: PutCompositeAlarm's rules and the canonical form") {
  Json a = {{"AlarmName", "Shop down (critical)"}, {"AlarmRule", "ALARM(a) AND ALARM(b)"}};
  CHECK(checkComposite(a) == "");
  Json noRule = a;
  noRule.erase("AlarmRule");
  CHECK(checkComposite(noRule) != "");
  Json suppressor = a;
  suppressor["ActionsSuppressor"] = "maintenance";
  CHECK(checkComposite(suppressor).find("ActionsSuppressor") != std::string::npos);
  suppressor["ActionsSuppressorWaitPeriod"] = 60;
  suppressor["ActionsSuppressorExtensionPeriod"] = 60;
  CHECK(checkComposite(suppressor) == "");
  Json c = normalize(mon::engine::ObjKind::Monitor, {{"name", "x"}, {"alarm", a}})["alarm"];
  CHECK(c["AlarmRule"] == "ALARM(a) AND ALARM(b)");
  CHECK_FALSE(c.contains("TreatMissingData"));
  CHECK(isCompositeParameter("ActionsSuppressor"));
  CHECK_FALSE(isCompositeParameter("Threshold"));
}

TEST_CASE("import: describe-alarms and get-dashboard files, anything else refused") {
  std::string src, err;
  std::vector<std::string> warnings;
  CHECK_FALSE(importFile("not json", src, warnings, err));
  CHECK_FALSE(importFile(R"J({"Dashboards": []})J", src, warnings, err));
  CHECK(err.find("describe-alarms") != std::string::npos);
  REQUIRE(importFile(R"J({"MetricAlarms": [], "CompositeAlarms": [{"AlarmName": "Both", "AlarmRule": "ALARM(a) OR ALARM(b)",
                        "ActionsEnabled": false, "AlarmActions": ["arn:aws:sns:eu-west-1:1:x"]}]})J",
                     src, warnings, err));
  CHECK(src.find("monitor query \"Both\"") != std::string::npos);
  CHECK(src.find("AlarmType = \"CompositeAlarm\"") != std::string::npos);
  CHECK(src.find("AlarmName = \"Both\"") != std::string::npos);
  CHECK(src.find("is_mute = true") != std::string::npos);
  CHECK(src.find("targets") == std::string::npos);
  REQUIRE(importFile(R"J({"DashboardName": "shop", "DashboardBody": "{\"widgets\":[{\"type\":\"log\",\"x\":0,\"y\":0,\"width\":24,\"height\":6,\"properties\":{\"query\":\"fields @message\",\"region\":\"eu-west-1\",\"title\":\"Errors\"}}]}"})J",
                     src, warnings, err));
  CHECK(src.find("url_path = \"shop\"") != std::string::npos);
  CHECK(src.find("markdown \"Errors\"") != std::string::npos);
  CHECK(src.find("cloudwatch_widget") != std::string::npos);
  CHECK_FALSE(importFile(R"J({"DashboardName": "shop", "DashboardBody": "{"})J", src, warnings, err));
}
