// The option table (core/options.hpp) is the one declaration of every client
// option: parsing, defaults, describe JSON, and the header's list all follow it.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/api.hpp"
#include "core/options.hpp"

namespace {

std::string header_option_list() {
  std::ifstream in(std::string(AK_SOURCE_DIR) + "/capi/include/accountkit/accountkit.h");
  std::stringstream text;
  text << in.rdbuf();
  std::string h = text.str();
  size_t from = h.find("/* Sets an option by name");
  size_t to = h.find("AK_API ak_status ak_client_set_option");
  EXPECT_NE(from, std::string::npos);
  EXPECT_NE(to, std::string::npos);
  return h.substr(from, to - from);
}

TEST(Options, TheHeaderListsEveryOptionOfTheTableAndNoOther) {
  std::string list = header_option_list();
  std::set<std::string> listed;
  std::regex entry(R"(\n \*  +([a-z_]+)  +)");
  for (std::sregex_iterator it(list.begin(), list.end(), entry), end; it != end; ++it) listed.insert((*it)[1]);
  std::set<std::string> table;
  for (const auto &spec : ak::option_table()) table.insert(spec.name);
  for (const auto &name : table) EXPECT_TRUE(listed.count(name)) << name << " is missing from accountkit.h";
  for (const auto &name : listed) EXPECT_TRUE(table.count(name)) << name << " is in accountkit.h but not an option";
}

TEST(Options, DefaultsComeFromTheTableAndTheVendor) {
  const ak::Vendor &cv = ak::api::vendor("commvault"), &nn = ak::api::vendor("99digital");
  EXPECT_EQ(ak::option_default(*ak::find_option_spec("timeout_ms"), nn), "30000");
  EXPECT_EQ(ak::option_default(*ak::find_option_spec("reads_per_hour"), cv), "1000");
  EXPECT_EQ(ak::option_default(*ak::find_option_spec("reads_per_hour"), nn), "0");
  EXPECT_EQ(ak::option_default(*ak::find_option_spec("base_url"), cv), "https://api.metallic.io");
  ak::Value described = ak::describe_options(cv);
  ASSERT_EQ(described.as_array().size(), ak::option_table().size());
  EXPECT_EQ(described.as_array()[0].find("name")->as_string(), "base_url");
}

TEST(Options, AValueIsCheckedAgainstItsTypeAndRangeNamingTheOption) {
  ak::Settings s;
  auto refused = [&](const char *name, const std::string &value) {
    try {
      ak::apply_option(*ak::find_option_spec(name), value, s);
    } catch (const ak::Error &e) {
      EXPECT_EQ(e.status, ak::Status::InvalidArgument);
      EXPECT_NE(e.message.find(name), std::string::npos) << e.message;
      return true;
    }
    return false;
  };
  EXPECT_TRUE(refused("timeout_ms", "0"));
  EXPECT_TRUE(refused("max_response_bytes", "1023"));
  EXPECT_TRUE(refused("verify_tls", "maybe"));
  EXPECT_TRUE(refused("requests_per_second", "-1"));
  EXPECT_TRUE(refused("base_url", "ftp://x"));
  EXPECT_FALSE(refused("requests_per_second", "2.5"));
  EXPECT_EQ(s.requests_per_second, 2.5);
  EXPECT_FALSE(refused("retry_base_ms", "0"));
  EXPECT_EQ(s.retry_base.count(), 0);
}

}  // namespace
