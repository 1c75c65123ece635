// 99digital Partners API (seeds 000 and 001; ../shared/VENDORS.md section 1).
// Errors travel in the body: {"status": "OK"|"FAIL", "reason": N}, HTTP 200.
#include "core/vendors/digital99/digital99.hpp"

#include <charconv>
#include <limits>

#include "core/auth.hpp"
#include "core/formats.hpp"
#include "core/vendors/digital99/ops.hpp"
#include "core/vendors/digital99/password.hpp"
#include "core/vendors/digital99/reference.hpp"

namespace ak {

namespace digital99_ops {

void int_id(Value &obj, const char *key) {
  Value *v = obj.find(key);
  if (!v || !v->is_string()) return;
  const auto &s = v->as_string();
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) *v = Value(n);
}

// The documented spellings differ between endpoints (accountID, account_id).
void normalise_account(Value &obj) {
  if (!obj.is_object()) return;
  if (Value *v = obj.find("accountID"); v && !obj.find("account_id")) {
    Value id = *v;
    obj.erase("accountID");
    obj.set("account_id", std::move(id));
  }
  // loginAgent answers agentID where createAccount answers agent_id [ours: one spelling].
  if (Value *v = obj.find("agentID"); v && !obj.find("agent_id")) {
    Value id = *v;
    obj.erase("agentID");
    obj.set("agent_id", std::move(id));
  }
  int_id(obj, "account_id");
  int_id(obj, "agent_id");
  int_id(obj, "builderID");  // getBuilders lists it as a string [doc]
}

}  // namespace digital99_ops

namespace {

using namespace digital99_ops;

Operation create_account() {
  Operation op = operation("create_account", OpKind::Create, Method::Post, "/api/online/createAccount");
  op.result_id = "account_id";
  op.natural_key = "reference";  // list_accounts returns it [ours]
  op.lookup_op = "list_accounts";
  op.recovery_lacks = {"agent_id"};  // getAccounts does not list an account's agents
  op.request = Field::object("", {
      Field::string("account_name").max(100).req().describe("the business name"),
      Field::integer("agents").digits(4).req().describe("how many agents the account may create"),
      Field::integer("inboxes").digits(3).req().describe("how many inboxes the account may create"),
      Field::string("admin_email").max(50).fmt(formats::kEmail).req()
          .describe("first agent's email; an existing one is granted access instead of created"),
      Field::string("admin_name").max(50).req(),
      Field::string("admin_displayName").max(50).req(),
      Field::string("admin_password").max(50).fmt(digital99_formats::kPassword).hidden().req()
          .describe(">= 6 characters with an upper-case, a lower-case and a special character"),
      Field::integer("admin_2fa").values({0, 1, 2}).describe("0 none (default), 1 email, 2 SMS"),
      Field::string("admin_2fa_value").max(50)
          .describe("optional: email when admin_2fa is 1, phone digits without '+' (7 to 15) when 2"),
      Field::string("server").max(30).describe("server subdomain (selected partners only)"),
      Field::string("reference").max(50).fmt(digital99_formats::kReference)
          .describe("your key for this account (letters of any script and digits); returned by list_accounts"),
  });
  // admin_2fa_value is optional whatever admin_2fa says: the seed says "here
  // you can provide" it, and the vendor answers reason 42 if it needs one.
  op.request.rules = {
      format_when("admin_2fa_value", "admin_2fa", 1, formats::kEmail),
      format_when("admin_2fa_value", "admin_2fa", 2, formats::kIntlPhoneDigits),
  };
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {20, Status::Validation, {"reference"}, "reference is invalid"},
      // It may have failed half-way, after the account was made [ours]: looked up, never blindly resent.
      {31, Status::Vendor, {}, "the vendor failed to create the account; try again or contact support", true, true},
      {34, Status::Validation, {"server"}, "server is invalid or wrong"},
      {36, Status::Validation, {"account_name"}, "account_name is invalid or wrong"},
      {37, Status::Validation, {"agents", "inboxes"}, "agents / inboxes number is invalid or wrong"},
      {38, Status::Validation, {"admin_email"}, "admin_email address is invalid or wrong"},
      {39, Status::Validation, {"admin_name", "admin_displayName"}, "admin_name or admin_displayName is invalid or wrong"},
      {40, Status::Validation, {"admin_password"}, "admin_password is invalid or does not meet the policy"},
      {41, Status::Validation, {"admin_2fa"}, "admin_2fa is invalid or wrong"},
      {42, Status::Validation, {"admin_2fa_value"}, "admin_2fa_value is wrong"},
  };
  return op;
}

Operation update_account() {
  Operation op = operation("update_account", OpKind::Update, Method::Post, "/api/online/updateAccount");
  op.id_field = "account_id";
  op.result_id = "account_id";
  op.result_status = "account_status";
  op.request = Field::object("", {
      Field::integer("account_id").digits(7).gt0().req(),
      Field::string("server").max(50).req().describe("the account's server subdomain"),
      Field::string("account_name").max(100),
      Field::integer("account_status").values({0, 1}).describe("0 disabled (no one can log in), 1 active"),
      Field::string("builder_url").max(150).fmt(formats::kHttpUrl).describe("the Workflow Builder login URL"),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {20, Status::Validation, {"reference"}, "reference is invalid"},
      {31, Status::Vendor, {}, "the vendor failed to update the account; try again or contact support", true},
      {33, Status::NotFound, {"account_id"}, "account_id is invalid or wrong"},
      {34, Status::Validation, {"server"}, "server is invalid or wrong"},
      {36, Status::Validation, {"account_name"}, "account_name is invalid or wrong"},
      {46, Status::Validation, {"account_status"}, "account_status is invalid or wrong"},
      {47, Status::Validation, {"builder_url"}, "builder_url is invalid or wrong"},
  };
  return op;
}

Operation list_accounts() {
  Operation op = operation("list_accounts", OpKind::List, Method::Get, "/api/online/getAccounts");
  op.list_key = "list";
  op.result_id = "account_id";  // of each item
  op.result_status = "account_status";
  op.request = Field::object("", {});
  op.reasons = {wrong_credentials(), token_expired(), wrong_method()};
  return op;
}

Operation delete_account() {
  Operation op = operation("delete_account", OpKind::Delete, Method::Delete, "/api/online/deleteAccount");
  op.id_field = "accountID";
  op.request = Field::object("", {
      Field::integer("accountID").digits(7).gt0().req().describe("the account to delete (irreversible)"),
      // Left out, it is not sent: the vendor's default is "online" [doc].
      Field::string("server").max(50).describe("the account's server subdomain; the vendor's default is \"online\""),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {33, Status::NotFound, {"accountID"}, "accountID is invalid or wrong"},
      {34, Status::Validation, {"server"}, "server is invalid or wrong"},
  };
  return op;
}

// getAgents (docs: online/get-agents-list). One answer holds every agent: no
// paging. Its reasons 29 and 34 are not in the docs' table for this endpoint;
// they are taken from loginAgent, which names the same fields [ours].
Operation list_agents() {
  Operation op = operation("list_agents", OpKind::List, Method::Post, "/api/online/getAgents");
  op.id_field = "accountID";
  op.list_key = "list";
  op.result_id = "id";  // of each item: the agent's id
  op.request = Field::object("", {
      Field::integer("accountID").digits(7).gt0().req().describe("the account whose agents to list"),
      // Left out, it is not sent: the vendor's default is "online" [doc].
      Field::string("server").max(50).describe("the account's server subdomain; the vendor's default is \"online\""),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {29, Status::NotFound, {"accountID"}, "accountID is invalid or wrong"},
      {34, Status::Validation, {"server"}, "server is invalid or wrong"},
  };
  return op;
}

// loginAgent (docs: online/login-to-an-agent): a single-use sign-in link,
// valid 5 minutes, that skips the agent's password and 2FA [doc]. A read
// [ours]: it changes no account, and a resent request only issues another
// link (the unused one expires). The link ("login") is a secret key of this
// vendor: masked everywhere but the result.
Operation login_agent() {
  Operation op = operation("login_agent", OpKind::Read, Method::Post, "/api/online/loginAgent");
  op.id_field = "accountID";
  op.result_id = "account_id";
  op.request = Field::object("", {
      Field::integer("accountID").digits(7).gt0().req().describe("the account the agent belongs to"),
      Field::integer("agentID").gt0().req().describe("the agent to sign in as (an id from list_agents)"),
      Field::string("server").max(50).describe("the account's server subdomain; the vendor's default is \"online\""),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {29, Status::NotFound, {"accountID"}, "accountID is invalid or wrong"},
      // No conflict category exists: a refusal for the account's state is a vendor error [ours].
      {32, Status::Vendor, {}, "the account is suspended: its agents cannot be signed in"},
      {34, Status::Validation, {"server"}, "server is invalid or wrong"},
      {35, Status::NotFound, {"agentID"}, "agentID is invalid or wrong"},
  };
  return op;
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

// A reason code sent as a number or as a string of digits; -1 for anything
// else, including numbers past int (a truncated one could read as 1, success).
int reason_code(const Value &v) {
  std::int64_t n = -1;
  if (v.is_int()) {
    n = v.as_int();
  } else if (v.is_string()) {
    const auto &s = v.as_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size()) n = -1;
  }
  return n >= 0 && n <= std::numeric_limits<int>::max() ? static_cast<int>(n) : -1;
}


// Splits the envelope: returns reason, removes status/reason from obj. The
// docs' updateAccount sample repeats "status" for the account status; a second
// "status" holding a number is taken as account_status.
int take_envelope(Value &obj, bool &ok, const HttpResponse &resp) {
  bool seen_status = false;
  Object kept;
  int reason = -1;
  // Decided before the loop moves keys out of obj (a later find() would miss
  // moved keys). A repeated "status" never stays in the result.
  bool status_is_account_status = !obj.find("account_status");
  for (auto &[k, v] : obj.as_object()) {
    if (k == "status" && !seen_status && v.is_string()) {
      seen_status = true;
      ok = ieq(v.as_string(), "OK");
    } else if (k == "status" && seen_status) {
      if (status_is_account_status) kept.emplace_back("account_status", std::move(v));
      status_is_account_status = false;
    } else if (k == "reason") {
      reason = reason_code(v);
    } else {
      kept.emplace_back(std::move(k), std::move(v));
    }
  }
  if (!seen_status) {
    // Some answers carry only a reason; 1 is success.
    if (reason < 0) throw decode_failure("the response has neither status nor reason", resp);
    ok = reason == 1;
  }
  obj = Value(std::move(kept));
  return reason;
}

class Digital99 final : public Vendor {
 public:
  Digital99() {
    name = "99digital";
    display_name = "99digital Partners API";
    default_base_url = "https://partners.99digital.co.il";
    credential_options = {"client_id", "client_secret", "access_token"};
    secret_options = {"client_secret", "access_token"};
    // loginAgent's answer holds a sign-in link that skips the password and 2FA.
    // loginBuilder's answer names its link "login" too.
    secret_keys = {"login"};
    operations = {create_account(), update_account(), list_accounts(), delete_account(),
                  list_agents(),    login_agent(),    create_builder(), list_builders(),
                  login_builder(),  set_webhook(),    get_webhook()};
    // No account read: the view is of what getAccounts lists (and updateAccount
    // answers). It lists no email, country or update time [doc].
    account_view.id = {"account_id"};
    account_view.name = {"account_name"};
    account_view.status = {"account_status"};
    account_view.key = {"reference"};
    account_view.created = {"create_time"};  // unix seconds
    account_view.statuses = {{"active", "active"}, {"suspended", "suspended"},
                             // updateAccount's account_status: 1 active, 0 disabled [doc]
                             {"1", "active"}, {"0", "suspended"}};
    // Plan/apply (core/plan.hpp): the partner's key is the reference [doc:
    // "your internal reference"]; a status is reached with update_account's
    // account_status, and pruning deletes [ours].
    reconcile.key_field = "reference";
    reconcile.to_status = {{"suspended", "update_account", Value(Object{{"account_status", Value(0)}})},
                           {"active", "update_account", Value(Object{{"account_status", Value(1)}})}};
    reconcile.remove_op = "delete_account";
  }

  std::unique_ptr<Authenticator> authenticator(const Options &opts) const override {
    if (const auto *token = find_option(opts, "access_token")) return std::make_unique<BearerAuth>(*token);
    if (!find_option(opts, "client_id") && !find_option(opts, "client_secret"))
      throw Error(Status::InvalidArgument,
                  "99digital: set client_id and client_secret, or access_token");
    std::string id = require_option(opts, "client_id", name);
    std::string secret = require_option(opts, "client_secret", name);
    std::string url = opts.at("base_url") + kTokenPath;
    TokenSource source{[id, secret, url] { return token_request(url, id, secret); }, read_token};
    return std::make_unique<BearerAuth>(std::move(source), std::vector<std::string>{secret});
  }

  Value decode(const Operation &op, const HttpResponse &resp) const override {
    Value body = parse_answer(resp);
    bool ok = false;
    int reason = take_envelope(body, ok, resp);
    if (!ok) {
      Error e = reason_error(op, reason);
      if (reason < 0) {  // no numeric reason: there is no vendor code to report
        e.vendor_code.clear();
        e.message = "the vendor reported a failure without a reason code";
      }
      e.raw_body = resp.body;
      e.http_status = resp.status;
      e.token_rejected = reason == 3;
      throw e;
    }
    if (!is_2xx(resp.status)) throw http_error(resp, "HTTP " + std::to_string(resp.status));
    normalise_account(body);
    if (!op.list_key.empty()) {
      Value *items = body.find(op.list_key);
      if (!items) body.set(op.list_key, Value::array());
      else if (!items->is_array()) throw decode_failure("\"" + op.list_key + "\" is not a list", resp);
      else
        for (auto &item : items->as_array()) {
          normalise_account(item);
          if (item.is_object()) int_id(item, op.result_id.c_str());  // getAgents' "id" too
        }
    }
    return body;
  }

  Result parse_webhook(std::string_view body) const override { return digital99_ops::parse_webhook(body); }

 private:
  static constexpr const char *kTokenPath = "/api/settings/accessToken";

  // The vendor answers HTTP 200 with a status/reason envelope. Anything else
  // (a proxy's 502, a wrong base_url's 404) is judged by its HTTP status.
  static Value parse_answer(const HttpResponse &resp) {
    Value body;
    try {
      body = parse_json_in_place(resp.body);
    } catch (const JsonError &) {
      if (!is_2xx(resp.status)) throw http_error(resp, "HTTP " + std::to_string(resp.status));
      throw decode_failure("the response is not valid JSON", resp);
    }
    bool envelope = body.is_object() && (body.find("status") || body.find("reason"));
    if (!is_2xx(resp.status) && !envelope) throw http_error(resp, "HTTP " + std::to_string(resp.status));
    if (!body.is_object()) throw decode_failure("the response is not a JSON object", resp);
    return body;
  }

  static HttpRequest token_request(const std::string &url, const std::string &id, const std::string &secret) {
    HttpRequest req;
    req.method = Method::Post;
    req.url = url;
    req.body = to_json(Value(Object{{"client_id", id}, {"client_secret", secret}}));
    return req;
  }

  // A refusal is not retriable: a wrong secret (reason 2) or a block (reason
  // 3) only gets worse with more attempts. A wrong secret is remembered, so
  // nothing more is sent with it; a block lifts by itself, so it is not.
  static Token read_token(const HttpResponse &resp) {
    Value body = parse_answer(resp);
    const Value *reason = body.find("reason");
    int code = reason && reason->is_int() ? reason_code(*reason) : -1;
    const Value *token = body.find("access_token");
    if (code != 1 || !token || !token->is_string() || token->as_string().empty()) {
      Error e(Status::Auth, code == 2   ? "access token refused: wrong client_id or client_secret (reason 2)"
                            : code == 3 ? "access token refused: too many failed attempts, this IP is blocked for a while (reason 3)"
                                        : "access token refused");
      if (code < 0 && resp.status >= 200 && resp.status < 300) e.status = Status::Decode;
      e.vendor_code = code >= 0 ? std::to_string(code) : "";
      e.credentials_refused = code == 2;
      e.http_status = resp.status;
      e.raw_body = resp.body;
      throw e;
    }
    Token out;
    out.value = token->as_string();
    // expiration_time is UNIX seconds sent as a string (or a number).
    std::int64_t exp = 0;
    if (const Value *t = body.find("expiration_time")) {
      if (t->is_int()) exp = t->as_int();
      else if (t->is_string()) std::from_chars(t->as_string().data(), t->as_string().data() + t->as_string().size(), exp);
    }
    // Past 2200 (or garbage) would overflow the clock: read as the documented hour.
    constexpr std::int64_t kYear2200 = 7258118400;
    out.expires_at = exp > 0 && exp < kYear2200 ? std::chrono::system_clock::time_point(std::chrono::seconds(exp))
                                                : std::chrono::system_clock::now() + std::chrono::hours(1);
    return out;
  }
};

}  // namespace

const Vendor &digital99() {
  static const Digital99 v;
  return v;
}

}  // namespace ak
