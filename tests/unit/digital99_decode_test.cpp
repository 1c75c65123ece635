// The 99digital response decoder (VENDORS.md section 1, seeds 000 and 001):
// envelope, reason codes per operation, key spellings, id normalising, HTTP
// fallbacks; plus encode_query and scrub_text from the client.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/client.hpp"
#include "core/redact.hpp"
#include "core/request.hpp"
#include "core/vendors/digital99/digital99.hpp"

using namespace std::literals;
using ak::Status;
using ak::Value;

namespace {

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ak::digital99().find(name);
  if (!o) throw std::logic_error("99digital has no operation " + std::string(name));
  return *o;
}

Value decode(std::string_view op_name, std::string body, long http = 200) {
  ak::HttpResponse resp;
  resp.status = http;
  resp.body = std::move(body);
  return ak::digital99().decode(op(op_name), resp);
}

// The error decode throws; fails the test (and returns a default) if it does not throw.
ak::Error decode_error(std::string_view op_name, std::string body, long http = 200) {
  try {
    Value v = decode(op_name, std::move(body), http);
    ADD_FAILURE() << "decode did not throw; result " << ak::to_json(v);
  } catch (const ak::Error &e) {
    return e;
  }
  return ak::Error(Status::Ok, "no error");
}

std::string fail_body(int reason, std::string_view status = "FAIL") {
  return R"({"status":")" + std::string(status) + R"(","reason":)" + std::to_string(reason) + "}";
}

std::vector<std::string> field_paths(const ak::Error &e) {
  std::vector<std::string> out;
  for (const auto &f : e.fields) out.push_back(f.path);
  return out;
}

}  // namespace

// ================================================================ success

TEST(Digital99Decode, CreateOkEnvelopeIsStripped) {
  Value v = decode("create_account", R"({"status":"OK","reason":1,"account_id":8,"agent_id":100,"server":"online"})");
  EXPECT_EQ(ak::to_json(v), R"({"account_id":8,"agent_id":100,"server":"online"})");
  EXPECT_EQ(v.find("status"), nullptr);
  EXPECT_EQ(v.find("reason"), nullptr);
}

TEST(Digital99Decode, OkIsCaseInsensitive) {
  for (const char *ok : {"OK", "ok", "Ok"})
    EXPECT_EQ(ak::to_json(decode("create_account", R"({"status":")" + std::string(ok) + R"(","reason":1,"account_id":8})")),
              R"({"account_id":8})")
        << ok;
}

TEST(Digital99Decode, FailInAnyCaseIsAFailure) {
  for (const char *fail : {"FAIL", "Fail", "fail"}) {
    ak::Error e = decode_error("create_account", fail_body(36, fail));
    EXPECT_EQ(e.status, Status::Validation) << fail;
    EXPECT_EQ(e.vendor_code, "36") << fail;
    EXPECT_EQ(field_paths(e), std::vector<std::string>{"account_name"}) << fail;
  }
}

TEST(Digital99Decode, UpdateDuplicatedStatusBecomesAccountStatus) {
  // The seed's sample, with its missing commas and quote repaired: "status" twice.
  const std::string body =
      R"({"status":"OK","reason":1,"account_id":8,"server":"online","account_name":"account name",)"
      R"("status":1,"builder_url":"https://builder.."})";
  Value v = decode("update_account", body);
  EXPECT_EQ(ak::to_json(v),
            R"({"account_id":8,"server":"online","account_name":"account name","account_status":1,"builder_url":"https://builder.."})");
  EXPECT_EQ(v.find("status"), nullptr);
  EXPECT_EQ(ak::digital99().status_of(op("update_account"), v), "active");
}

TEST(Digital99Decode, UpdateWithRealAccountStatusKeepsItAndLeavesNoStatus) {
  for (const char *body : {R"({"status":"OK","reason":1,"account_status":0,"status":1})",
                           R"({"status":"OK","reason":1,"status":1,"account_status":0})"}) {
    Value v = decode("update_account", body);
    EXPECT_EQ(ak::to_json(v), R"({"account_status":0})") << body;
  }
}

TEST(Digital99Decode, StatusOfMapsAccountStatus) {
  const ak::Vendor &d = ak::digital99();
  const ak::Operation &update = op("update_account");
  EXPECT_EQ(d.status_of(update, decode("update_account", R"({"status":"OK","reason":1,"account_status":1})")), "active");
  EXPECT_EQ(d.status_of(update, decode("update_account", R"({"status":"OK","reason":1,"account_status":0})")), "suspended");
  EXPECT_EQ(d.status_of(update, Value(ak::Object{{"account_status", 2}})), "2");
  EXPECT_EQ(d.status_of(update, Value(ak::Object{{"account_status", "suspended"}})), "suspended");
  EXPECT_EQ(d.status_of(update, Value(ak::Object{{"account_status", Value()}})), "");
  EXPECT_EQ(d.status_of(update, Value::object()), "");
  // Operations without a status field have none.
  EXPECT_EQ(d.status_of(op("create_account"), Value(ak::Object{{"account_status", 1}})), "");
}

TEST(Digital99Decode, AccountIDIsRenamedToAccountId) {
  Value v = decode("delete_account", R"({"status":"OK","reason":1,"accountID":8,"server":"online"})");
  EXPECT_EQ(ak::to_json(v), R"({"server":"online","account_id":8})");
  EXPECT_EQ(v.find("accountID"), nullptr);
}

TEST(Digital99Decode, AccountIDIsLeftAloneWhenAccountIdExists) {
  Value v = decode("delete_account", R"({"status":"OK","reason":1,"account_id":8,"accountID":9})");
  EXPECT_EQ(ak::to_json(v), R"({"account_id":8,"accountID":9})");
}

TEST(Digital99Decode, IdsGivenAsDigitStringsBecomeIntegers) {
  Value v = decode("create_account", R"({"status":"OK","reason":1,"account_id":"8","agent_id":"100","server":"online"})");
  EXPECT_EQ(ak::to_json(v), R"({"account_id":8,"agent_id":100,"server":"online"})");
  Value renamed = decode("delete_account", R"({"status":"OK","reason":1,"accountID":"1234567"})");
  EXPECT_EQ(ak::to_json(renamed), R"({"account_id":1234567})");
}

TEST(Digital99Decode, IdsThatAreNotDigitStringsStayAsGiven) {
  for (const char *id : {R"("")", R"("12x")", R"("abc")", R"(" 12")", R"(12.5)", R"(null)"}) {
    std::string body = R"({"status":"OK","reason":1,"account_id":)" + std::string(id) + "}";
    EXPECT_EQ(ak::to_json(decode("create_account", body)), R"({"account_id":)" + std::string(id) + "}") << id;
  }
}

TEST(Digital99Decode, ListItemsAreNormalised) {
  Value v = decode("list_accounts",
                   R"({"status":"OK","reason":1,"totalOnline":2,"list":[)"
                   R"({"create_time":"2024-01-01 10:00:00","account_name":"A","account_id":"12","server":"online","account_status":"active","reference":"r1"},)"
                   R"({"accountID":"13","account_status":"suspended"}]})");
  EXPECT_EQ(ak::to_json(v),
            R"({"totalOnline":2,"list":[)"
            R"({"create_time":"2024-01-01 10:00:00","account_name":"A","account_id":12,"server":"online","account_status":"active","reference":"r1"},)"
            R"({"account_status":"suspended","account_id":13}]})");
}

TEST(Digital99Decode, ListWithoutItemsIsAnEmptyList) {
  Value v = decode("list_accounts", R"({"status":"OK","reason":1,"totalOnline":0})");
  ASSERT_NE(v.find("list"), nullptr);
  EXPECT_EQ(*v.find("list"), Value::array());
}

TEST(Digital99Decode, ListThatIsNotAnArrayIsADecodeError) {
  ak::Error e = decode_error("list_accounts", R"({"status":"OK","reason":1,"list":{}})");
  EXPECT_EQ(e.status, Status::Decode);
}

TEST(Digital99Decode, ReasonOnlyAnswers) {
  EXPECT_EQ(ak::to_json(decode("create_account", R"({"reason":1,"account_id":8})")), R"({"account_id":8})");
  ak::Error e = decode_error("create_account", R"({"reason":36})");
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_EQ(e.vendor_code, "36");
}

TEST(Digital99Decode, ReasonGivenAsTextIsRead) {
  ak::Error e = decode_error("create_account", R"({"status":"FAIL","reason":"37"})");
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_EQ(e.vendor_code, "37");
  EXPECT_EQ(field_paths(e), (std::vector<std::string>{"agents", "inboxes"}));
}

TEST(Digital99Decode, FailWithoutANumericReasonHasNoVendorCode) {
  for (const char *body : {R"({"status":"FAIL"})", R"({"status":"FAIL","reason":"abc"})"}) {
    ak::Error e = decode_error("create_account", body);
    EXPECT_EQ(e.status, Status::Vendor) << body;
    EXPECT_EQ(e.vendor_code, "") << body;
    EXPECT_TRUE(e.fields.empty()) << body;
    EXPECT_FALSE(e.token_rejected) << body;
    EXPECT_EQ(e.raw_body, body);
    EXPECT_EQ(e.message, "the vendor reported a failure without a reason code");
  }
}

// ================================================================ reason codes

namespace {

struct ReasonCase {
  const char *op;
  int code;
  Status status;
  std::vector<std::string> fields;
  bool retriable = false;
};

// Written from the seeds and VENDORS.md, independently of the vendor's table.
const std::vector<ReasonCase> &reason_cases() {
  static const std::vector<ReasonCase> cases = [] {
    std::vector<ReasonCase> c;
    for (const char *name : {"create_account", "update_account", "list_accounts", "delete_account", "list_agents",
                             "login_agent", "create_builder", "list_builders", "login_builder", "set_webhook",
                             "get_webhook"}) {
      c.push_back({name, 2, Status::Auth, {}});
      c.push_back({name, 3, Status::Auth, {}});
      // setWebhook's 13 is "url is invalid", not the wrong method [doc].
      if (std::string_view(name) != "set_webhook") c.push_back({name, 13, Status::Vendor, {}});
    }
    c.push_back({"set_webhook", 13, Status::Validation, {"url"}});
    c.push_back({"create_builder", 20, Status::Validation, {"reference"}});
    c.push_back({"create_builder", 30, Status::Validation, {"client_name"}});
    c.push_back({"create_builder", 31, Status::Vendor, {}, true});
    c.push_back({"login_builder", 29, Status::NotFound, {"builderID"}});
    c.push_back({"create_account", 20, Status::Validation, {"reference"}});
    c.push_back({"create_account", 31, Status::Vendor, {}, true});
    c.push_back({"create_account", 34, Status::Validation, {"server"}});
    c.push_back({"create_account", 36, Status::Validation, {"account_name"}});
    c.push_back({"create_account", 37, Status::Validation, {"agents", "inboxes"}});
    c.push_back({"create_account", 38, Status::Validation, {"admin_email"}});
    c.push_back({"create_account", 39, Status::Validation, {"admin_name", "admin_displayName"}});
    c.push_back({"create_account", 40, Status::Validation, {"admin_password"}});
    c.push_back({"create_account", 41, Status::Validation, {"admin_2fa"}});
    c.push_back({"create_account", 42, Status::Validation, {"admin_2fa_value"}});
    c.push_back({"update_account", 20, Status::Validation, {"reference"}});
    c.push_back({"update_account", 31, Status::Vendor, {}, true});
    c.push_back({"update_account", 33, Status::NotFound, {"account_id"}});
    c.push_back({"update_account", 34, Status::Validation, {"server"}});
    c.push_back({"update_account", 36, Status::Validation, {"account_name"}});
    c.push_back({"update_account", 46, Status::Validation, {"account_status"}});
    c.push_back({"update_account", 47, Status::Validation, {"builder_url"}});
    c.push_back({"delete_account", 33, Status::NotFound, {"accountID"}});
    c.push_back({"delete_account", 34, Status::Validation, {"server"}});
    c.push_back({"list_agents", 29, Status::NotFound, {"accountID"}});
    c.push_back({"list_agents", 34, Status::Validation, {"server"}});
    c.push_back({"login_agent", 29, Status::NotFound, {"accountID"}});
    c.push_back({"login_agent", 32, Status::Vendor, {}});
    c.push_back({"login_agent", 34, Status::Validation, {"server"}});
    c.push_back({"login_agent", 35, Status::NotFound, {"agentID"}});
    return c;
  }();
  return cases;
}

std::string label(const ReasonCase &c) { return std::string(c.op) + " reason " + std::to_string(c.code); }

}  // namespace

TEST(Digital99Reasons, EachDocumentedReasonMapsToItsCategoryAndFields) {
  for (const ReasonCase &c : reason_cases()) {
    const std::string body = fail_body(c.code);
    ak::Error e = decode_error(c.op, body);
    EXPECT_EQ(e.status, c.status) << label(c);
    EXPECT_EQ(e.vendor_code, std::to_string(c.code)) << label(c);
    EXPECT_EQ(field_paths(e), c.fields) << label(c);
    for (const auto &f : e.fields) {
      EXPECT_EQ(f.rule, "vendor") << label(c);
      EXPECT_FALSE(f.message.empty()) << label(c);
    }
    EXPECT_EQ(e.retriable, c.retriable) << label(c);
    EXPECT_EQ(e.token_rejected, c.code == 3) << label(c);
    EXPECT_EQ(e.raw_body, body) << label(c);
    EXPECT_NE(e.message.find("(reason " + std::to_string(c.code) + ")"), std::string::npos) << e.message;
  }
}

TEST(Digital99Reasons, EveryCodeInTheVendorTableIsCovered) {
  // Guards the table above against codes added to the vendor without a test.
  for (const auto &o : ak::digital99().operations)
    for (const auto &r : o.reasons) {
      bool covered = false;
      for (const auto &c : reason_cases()) covered = covered || (c.op == o.name && c.code == r.code);
      EXPECT_TRUE(covered) << o.name << " reason " << r.code;
    }
}

TEST(Digital99Reasons, CreateReason37NamesAgentsAndInboxes) {
  ak::Error e = decode_error("create_account", fail_body(37));
  EXPECT_EQ(e.status, Status::Validation);
  ASSERT_EQ(e.fields.size(), 2u);
  EXPECT_EQ(e.fields[0].path, "agents");
  EXPECT_EQ(e.fields[0].rule, "vendor");
  EXPECT_EQ(e.fields[1].path, "inboxes");
  EXPECT_EQ(e.fields[1].rule, "vendor");
}

TEST(Digital99Reasons, UpdateReason33IsNotFound) {
  ak::Error e = decode_error("update_account", fail_body(33));
  EXPECT_EQ(e.status, Status::NotFound);
  EXPECT_EQ(field_paths(e), std::vector<std::string>{"account_id"});
  EXPECT_FALSE(e.retriable);
}

TEST(Digital99Reasons, Reason3RejectsTheToken) {
  ak::Error e = decode_error("list_accounts", fail_body(3));
  EXPECT_EQ(e.status, Status::Auth);
  EXPECT_TRUE(e.token_rejected);
  EXPECT_FALSE(decode_error("list_accounts", fail_body(2)).token_rejected);
}

TEST(Digital99Reasons, Reason31IsARetriableVendorError) {
  ak::Error e = decode_error("create_account", fail_body(31));
  EXPECT_EQ(e.status, Status::Vendor);
  EXPECT_TRUE(e.retriable);
  EXPECT_TRUE(e.fields.empty());
}

TEST(Digital99Reasons, UndocumentedReasonIsAVendorErrorWithTheRawCode) {
  ak::Error e = decode_error("create_account", fail_body(99));
  EXPECT_EQ(e.status, Status::Vendor);
  EXPECT_EQ(e.vendor_code, "99");
  EXPECT_TRUE(e.fields.empty());
  EXPECT_FALSE(e.retriable);
  EXPECT_FALSE(e.token_rejected);
  EXPECT_EQ(e.message, "the vendor failed with undocumented reason 99");
}

TEST(Digital99Reasons, CodesArePerOperation) {
  // 37 is agents/inboxes on create but means nothing on update.
  ak::Error on_update = decode_error("update_account", fail_body(37));
  EXPECT_EQ(on_update.status, Status::Vendor);
  EXPECT_EQ(on_update.vendor_code, "37");
  EXPECT_TRUE(on_update.fields.empty());
  // 33 is account_id on update, accountID on delete, undocumented on create.
  EXPECT_EQ(field_paths(decode_error("delete_account", fail_body(33))), std::vector<std::string>{"accountID"});
  EXPECT_EQ(decode_error("create_account", fail_body(33)).status, Status::Vendor);
}

TEST(Digital99Reasons, FailWithExtraFieldsKeepsTheRawBody) {
  const std::string body = R"({"status":"Fail","reason":38,"message":"admin_email address is invalid"})";
  ak::Error e = decode_error("create_account", body);
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_EQ(e.raw_body, body);
  EXPECT_EQ(field_paths(e), std::vector<std::string>{"admin_email"});
}

// ================================================================ undecodable answers

TEST(Digital99Decode, InvalidJsonIsADecodeError) {
  // The seed's own sample is not valid JSON (missing comma after "reason": 1).
  const std::string body = "{\n\"status\": \"OK\",\n\"reason\": 1\n\"account_id\": 8\n}";
  ak::Error e = decode_error("create_account", body);
  EXPECT_EQ(e.status, Status::Decode);
  EXPECT_EQ(e.raw_body, body);
  EXPECT_EQ(e.http_status, 200);
  EXPECT_EQ(e.vendor_code, "");
  EXPECT_EQ(decode_error("create_account", "").status, Status::Decode);
}

TEST(Digital99Decode, NonObjectJsonIsADecodeError) {
  for (const char *body : {"[]", "1", "\"OK\"", "null"})
    EXPECT_EQ(decode_error("create_account", body).status, Status::Decode) << body;
}

TEST(Digital99Decode, NeitherStatusNorReasonIsADecodeError) {
  ak::Error e = decode_error("create_account", R"({"account_id":8})");
  EXPECT_EQ(e.status, Status::Decode);
  EXPECT_EQ(e.raw_body, R"({"account_id":8})");
}

TEST(Digital99Decode, NonJsonErrorPagesAreCategorisedByHttpStatus) {
  struct Case {
    long http;
    Status status;
    bool retriable;
  };
  for (const Case &c : {Case{400, Status::Validation, false}, Case{401, Status::Auth, false},
                        Case{403, Status::Auth, false}, Case{404, Status::NotFound, false},
                        Case{410, Status::NotFound, false}, Case{422, Status::Validation, false},
                        Case{429, Status::RateLimited, true}, Case{500, Status::Vendor, true},
                        Case{502, Status::Vendor, true}, Case{503, Status::Vendor, true},
                        Case{418, Status::Vendor, false}, Case{302, Status::Vendor, false}}) {
    const std::string body = "<html><body>Bad Gateway</body></html>";
    ak::Error e = decode_error("update_account", body, c.http);
    EXPECT_EQ(e.status, c.status) << c.http;
    EXPECT_EQ(e.http_status, c.http);
    EXPECT_EQ(e.retriable, c.retriable) << c.http;
    EXPECT_EQ(e.raw_body, body);
    EXPECT_EQ(e.vendor_code, "");
  }
}

TEST(Digital99Decode, JsonErrorPagesWithoutEnvelopeAreCategorisedByHttpStatus) {
  // A wrong base_url or a proxy answers JSON of its own: the HTTP status decides.
  ak::Error not_found = decode_error("list_accounts", R"({"error":"no such endpoint"})", 404);
  EXPECT_EQ(not_found.status, Status::NotFound);
  EXPECT_EQ(not_found.http_status, 404);
  ak::Error gateway = decode_error("list_accounts", R"({"message":"upstream down"})", 502);
  EXPECT_EQ(gateway.status, Status::Vendor);
  EXPECT_TRUE(gateway.retriable);
}

TEST(Digital99Decode, OkEnvelopeOnAnErrorStatusIsNotASuccess) {
  ak::Error e = decode_error("list_accounts", R"({"status":"OK","reason":1,"list":[]})", 503);
  EXPECT_EQ(e.status, Status::Vendor);
  EXPECT_EQ(e.http_status, 503);
}

TEST(Digital99Decode, JsonFailOnAnErrorStatusStillUsesTheReason) {
  ak::Error e = decode_error("update_account", fail_body(33), 500);
  EXPECT_EQ(e.status, Status::NotFound);
  EXPECT_EQ(e.vendor_code, "33");
}

// ================================================================ encode_query

TEST(EncodeQuery, ScalarsNullsAndPercentEncoding) {
  Value v(ak::Object{{"a", 1}, {"b", "x y"}, {"c", true}, {"d", Value()}, {"e", 1.5}, {"f", "&=?/+é"}});
  EXPECT_EQ(ak::encode_query(v), "a=1&b=x%20y&c=true&d=&e=1.5&f=%26%3D%3F%2F%2B%C3%A9");
}

TEST(EncodeQuery, UnreservedCharactersAreKept) {
  EXPECT_EQ(ak::encode_query(Value(ak::Object{{"k", "AZaz09-._~"}})), "k=AZaz09-._~");
}

TEST(EncodeQuery, ObjectsAndArrays) {
  Value v(ak::Object{{"o", Value(ak::Object{{"k", "v"}, {"n", Value(ak::Object{{"x", 1}})}})},
                     {"l", Value(ak::Array{1, "two"})}});
  EXPECT_EQ(ak::encode_query(v), "o%5Bk%5D=v&o%5Bn%5D%5Bx%5D=1&l%5B%5D=1&l%5B%5D=two");
}

TEST(EncodeQuery, KeysAreEncoded) {
  EXPECT_EQ(ak::encode_query(Value(ak::Object{{"a b&c", "1"}})), "a%20b%26c=1");
}

TEST(EncodeQuery, EmptyInputs) {
  EXPECT_EQ(ak::encode_query(Value::object()), "");
  EXPECT_EQ(ak::encode_query(Value()), "");
  EXPECT_EQ(ak::encode_query(Value(ak::Array{1})), "");
  EXPECT_EQ(ak::encode_query(Value(ak::Object{{"l", Value::array()}, {"o", Value::object()}})), "");
  EXPECT_EQ(ak::encode_query(Value(ak::Object{{"l", Value::array()}, {"a", 1}})), "a=1");
}

// ================================================================ scrub_text

namespace {

std::string scrubbed(std::string text, const std::vector<std::string> &secrets) {
  ak::scrub_text(text, secrets);
  return text;
}

}  // namespace

TEST(ScrubText, ReplacesEveryOccurrence) {
  EXPECT_EQ(scrubbed("token abc12345 and abc12345", {"abc12345"}), "token *** and ***");
  EXPECT_EQ(scrubbed("abc12345abc12345", {"abc12345"}), "******");
  EXPECT_EQ(scrubbed(R"({"access_token":"tok.EN-1"})", {"tok.EN-1"}), R"({"access_token":"***"})");
}

TEST(ScrubText, ReplacesThePercentEncodedForm) {
  EXPECT_EQ(scrubbed("q=p%40ss%20w%2Frd&raw=p@ss w/rd", {"p@ss w/rd"}), "q=***&raw=***");
  EXPECT_EQ(scrubbed("?api_token=s%2Bcr%3Dt0ken", {"s+cr=t0ken"}), "?api_token=***");
}

TEST(ScrubText, ReplacesLowerCaseHexAndJsonEscapedForms) {
  EXPECT_EQ(scrubbed("echo: q=p%40ss%2fw0rd", {"p@ss/w0rd"}), "echo: q=***");
  EXPECT_EQ(scrubbed(R"({"password":"say \"hi\" \\o/"})", {R"(say "hi" \o/)"}), R"({"password":"***"})");
  EXPECT_EQ(scrubbed(R"({"password":"tab\there"})", {"tab\there"}), R"({"password":"***"})");
}

TEST(ScrubText, SeveralSecrets) {
  EXPECT_EQ(scrubbed("id=one secret=two-2222 token=three-33", {"two-2222", "three-33"}),
            "id=one secret=*** token=***");
}

// Issue 13 (6): a short secret is masked only where it is known to be, never
// as text: client_secret "secret" must not turn "client_secret" into "client_***".
TEST(ScrubText, SecretsShorterThanTheMinimumAreNotSearched) {
  static_assert(ak::kMinSearchedSecret == 8);
  EXPECT_EQ(scrubbed("wrong client_id or client_secret", {"secret"}), "wrong client_id or client_secret");
  EXPECT_EQ(scrubbed("the account is not there", {"t"}), "the account is not there");
  EXPECT_EQ(scrubbed("abcdefg abcdefgh", {"abcdefg", "abcdefgh"}), "abcdefg ***");
}

TEST(ScrubText, TheLibrarysOwnWordsAreNotSearched) {
  // "password" is long enough, but it is a secret key's name: masking it as
  // text would mask the names; its value is masked at its location instead.
  EXPECT_EQ(scrubbed("admin_password: must have a digit", {"password"}), "admin_password: must have a digit");
}

TEST(ScrubText, EmptySecretsAndNoMatchLeaveTextAlone) {
  EXPECT_EQ(scrubbed("nothing to hide", {}), "nothing to hide");
  EXPECT_EQ(scrubbed("nothing to hide", {""}), "nothing to hide");
  EXPECT_EQ(scrubbed("nothing to hide", {"secret"}), "nothing to hide");
  EXPECT_EQ(scrubbed("", {"secret"}), "");
}

TEST(ScrubText, SecretsThatLookLikeTheMaskTerminate) {
  EXPECT_EQ(scrubbed("a********b", {"********"}), "a***b");
  EXPECT_EQ(scrubbed("x*********y", {"********"}), "x****y");
}
