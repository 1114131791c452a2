// support/json_text: JSON text that cannot throw and carries no raw control character.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/json_text.h"

TEST_CASE("json_text: bytes that are not UTF-8 become U+FFFD instead of an exception") {
  nlohmann::ordered_json j = {{"name", std::string("bad \xff\xfe end")}};
  CHECK_THROWS(j.dump());
  CHECK(mon::jsonText(j) == "{\"name\":\"bad \xef\xbf\xbd\xef\xbf\xbd end\"}");
  CHECK(mon::jsonText(nlohmann::json("ok")) == "\"ok\"");
}

TEST_CASE("json_text: every control character is escaped and the value parses back unchanged") {
  std::string name = "a\x1b[2J b\x07 c\x7f d\xc2\x9b[31m e\xc2\xa0" "f \xe3\x81\x82";  // ESC BEL DEL CSI(C1) NBSP あ
  nlohmann::json j = {{"name", name}};
  std::string text = mon::jsonText(j, 2);
  for (char c : text) CHECK((static_cast<unsigned char>(c) >= 0x20 || c == '\n'));
  CHECK(text.find('\x7f') == std::string::npos);
  CHECK(text.find("\xc2\x9b") == std::string::npos);
  CHECK(text.find("\\u001b[2J") != std::string::npos);
  CHECK(text.find("\\u007f") != std::string::npos);
  CHECK(text.find("\\u009b[31m") != std::string::npos);
  CHECK(text.find("\xc2\xa0") != std::string::npos);  // printable non-ASCII stays as it is
  CHECK(text.find("\xe3\x81\x82") != std::string::npos);
  CHECK(nlohmann::json::parse(text)["name"] == name);
}
