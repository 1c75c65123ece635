// 99digital builders and webhook settings (docs: partners-api/builder/*,
// partners-api/settings/webhook): the operations' tables, the decoding of the
// documented answers and the field rules. Reason codes are in
// digital99_decode_test.cpp with the other operations'.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/api.hpp"
#include "core/redact.hpp"
#include "core/vendors/digital99/digital99.hpp"

using ak::Value;

namespace {

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ak::digital99().find(name);
  if (!o) throw std::logic_error("99digital has no operation " + std::string(name));
  return *o;
}

Value decode(std::string_view op_name, std::string body) {
  ak::HttpResponse resp;
  resp.status = 200;
  resp.body = std::move(body);
  return ak::digital99().decode(op(op_name), resp);
}

using Problems = std::vector<std::pair<std::string, std::string>>;

Problems problems(std::string_view op_name, const std::string &fields) {
  std::vector<ak::FieldError> errors;
  ak::validate(op(op_name).request, ak::parse_json(fields), errors);
  Problems out;
  for (const auto &e : errors) out.emplace_back(e.path, e.rule);
  return out;
}

// The docs' answers (createBuilder, getBuilders, loginBuilder, setWebhook).
const std::string kCreateAnswer =
    R"({"status":"OK","builderID":432,"client_name":"Mr. James","url":"https://builder...","reason":1})";
const std::string kListAnswer =
    R"({"status":"OK","reason":1,"totalBuilders":2,"list":[)"
    R"({"create_time":1735811185,"client":"My Client A","builderID":"1","url":"https://builder4.99digital.co.il/"},)"
    R"({"create_time":1735811185,"client":"My Client B","builderID":"2","url":"https://builder4.99digital.co.il/"}]})";
const std::string kLoginAnswer = R"({"status":"OK","builderID":4142,"login":"https://builder.example/sso/abc"})";
const std::string kWebhookAnswer = R"({"status":"OK","url":"your-webhook.example.com","reason":1})";

}  // namespace

TEST(Digital99Builders, OperationsAreDeclared) {
  const ak::Operation &create = op("create_builder");
  EXPECT_EQ(create.kind, ak::OpKind::Create);
  EXPECT_EQ(create.method, ak::Method::Post);
  EXPECT_EQ(create.path, "/api/builder/createBuilder");
  EXPECT_EQ(create.result_id, "builderID");
  EXPECT_TRUE(create.natural_key.empty());  // a lost answer is "outcome unknown", never resent

  const ak::Operation &list = op("list_builders");
  EXPECT_EQ(list.kind, ak::OpKind::List);
  EXPECT_EQ(list.method, ak::Method::Get);
  EXPECT_EQ(list.path, "/api/builder/getBuilders");
  EXPECT_EQ(list.list_key, "list");
  EXPECT_TRUE(list.paging.page_param.empty());

  const ak::Operation &login = op("login_builder");
  EXPECT_EQ(login.kind, ak::OpKind::Read);
  EXPECT_EQ(login.method, ak::Method::Post);
  EXPECT_EQ(login.path, "/api/builder/loginBuilder");
  EXPECT_EQ(login.id_field, "builderID");

  const ak::Operation &set = op("set_webhook");
  EXPECT_EQ(set.kind, ak::OpKind::Update);
  EXPECT_EQ(set.method, ak::Method::Post);
  EXPECT_EQ(set.path, "/api/settings/setWebhook");
  const ak::Operation &get = op("get_webhook");
  EXPECT_EQ(get.kind, ak::OpKind::Read);
  EXPECT_EQ(get.method, ak::Method::Get);
  EXPECT_EQ(get.path, "/api/settings/getWebhook");
}

TEST(Digital99Builders, CreateAnswer) {
  Value v = decode("create_builder", kCreateAnswer);
  EXPECT_EQ(ak::to_json(v), R"({"builderID":432,"client_name":"Mr. James","url":"https://builder..."})");
}

TEST(Digital99Builders, ListAnswerGivesIntegerIds) {
  Value v = decode("list_builders", kListAnswer);
  EXPECT_EQ(v.find("totalBuilders")->as_int(), 2);
  const auto &items = v.find("list")->as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].find("builderID")->as_int(), 1);  // "1" in the docs
  EXPECT_EQ(items[0].find("client")->as_string(), "My Client A");
  EXPECT_EQ(items[1].find("builderID")->as_int(), 2);
  Value empty = decode("list_builders", R"({"status":"OK","reason":1,"totalBuilders":0})");
  EXPECT_TRUE(empty.find("list")->as_array().empty());
}

TEST(Digital99Builders, LoginAnswerWithoutAReasonIsASuccess) {
  Value v = decode("login_builder", kLoginAnswer);
  EXPECT_EQ(ak::to_json(v), R"({"builderID":4142,"login":"https://builder.example/sso/abc"})");
  std::string text = kLoginAnswer;
  ak::mask_by_location(text);  // the same secret key as loginAgent's link
  EXPECT_EQ(text.find("sso/"), std::string::npos) << text;
}

TEST(Digital99Builders, WebhookAnswers) {
  EXPECT_EQ(ak::to_json(decode("set_webhook", kWebhookAnswer)), R"({"url":"your-webhook.example.com"})");
  EXPECT_EQ(ak::to_json(decode("get_webhook", kWebhookAnswer)), R"({"url":"your-webhook.example.com"})");
}

TEST(Digital99Builders, SetWebhookReason13IsTheUrl) {
  ak::HttpResponse resp;
  resp.status = 200;
  resp.body = R"({"status":"FAIL","reason":13})";
  try {
    ak::digital99().decode(op("set_webhook"), resp);
    FAIL() << "no error";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, ak::Status::Validation);
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].path, "url");
  }
}

TEST(Digital99Builders, CreateBuilderRules) {
  EXPECT_EQ(problems("create_builder", R"({"client_name":"Acme"})"), Problems{});
  EXPECT_EQ(problems("create_builder", R"({"client_name":"Acme","reference":"crm42"})"), Problems{});
  EXPECT_EQ(problems("create_builder", R"({})"), (Problems{{"client_name", "required"}}));
  EXPECT_EQ(problems("create_builder", R"({"client_name":")" + std::string(101, 'a') + "\"}"),
            (Problems{{"client_name", "max_length"}}));
  EXPECT_EQ(problems("create_builder", R"({"client_name":"Acme","reference":"crm-42"})"),
            (Problems{{"reference", "letters_digits"}}));
  EXPECT_EQ(problems("create_builder", R"({"client_name":"Acme","reference":")" + std::string(51, 'r') + "\"}"),
            (Problems{{"reference", "max_length"}}));
}

TEST(Digital99Builders, LoginBuilderRules) {
  EXPECT_EQ(problems("login_builder", R"({"builderID":7})"), Problems{});
  EXPECT_EQ(problems("login_builder", R"({})"), (Problems{{"builderID", "required"}}));
  EXPECT_EQ(problems("login_builder", R"({"builderID":0})"), (Problems{{"builderID", "positive"}}));
  EXPECT_EQ(problems("login_builder", R"({"builderID":"7"})"), (Problems{{"builderID", "type"}}));
  EXPECT_EQ(problems("list_builders", R"({"page":2})"), (Problems{{"page", "unknown_field"}}));
}

TEST(Digital99Builders, SetWebhookRules) {
  EXPECT_EQ(problems("set_webhook", R"({"url":"https://hooks.example/99"})"), Problems{});
  EXPECT_EQ(problems("set_webhook", R"({"url":"http://127.0.0.1:8080/hook"})"), Problems{});
  EXPECT_EQ(problems("set_webhook", R"({})"), (Problems{{"url", "required"}}));
  EXPECT_EQ(problems("set_webhook", R"({"url":"hooks.example/99"})"), (Problems{{"url", "url"}}));
  EXPECT_EQ(problems("set_webhook", R"({"url":"ftp://hooks.example/99"})"), (Problems{{"url", "url"}}));
  EXPECT_EQ(problems("set_webhook", R"({"url":"https://h.example/)" + std::string(500, 'p') + "\"}"),
            (Problems{{"url", "max_length"}}));
  EXPECT_EQ(problems("get_webhook", R"({"url":"https://hooks.example"})"), (Problems{{"url", "unknown_field"}}));
}
