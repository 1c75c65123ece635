// 99digital emulator. Validation reuses the library's own rule tables, so a
// client that turns local validation off gets the vendor's reason codes.
// Sandbox choices (documented in docs/sandbox.md):
//  - credentials: client_id "sandbox-client", client_secret "sandbox-secret";
//  - servers: "online" (the default, also for deleteAccount) and "eu1"; any
//    other is reason 34;
//  - a missing or non-Bearer Authorization header is reason 2, an unknown or
//    expired token reason 3;
//  - a body that is not a JSON object is reason 31;
//  - after block_after failed token requests every token request answers
//    reason 3 for block_seconds;
//  - agents: the admin_email of a create is the account's agent (role
//    "Admin"); an email already known is the same agent, granted the new
//    account. loginAgent links are random and not checked afterwards;
//  - builders and the webhook address: digital99_builders.cpp. Account
//    changes are sent to the webhook address as "partners" events.
#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <stdexcept>

#include "core/vendors/digital99/digital99.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/vendors/digital99_builders.hpp"

namespace ak::sandbox {

namespace {

using Clock = std::chrono::system_clock;

struct Account {
  std::int64_t id;
  std::string name, server, builder_url, reference;
  std::int64_t agents = 0, inboxes = 0;
  int status = 1;
  std::int64_t create_time = 0;
  std::vector<std::int64_t> agent_ids;  // agents with access, in the order they got it
};

struct Agent {
  std::int64_t id;
  std::string email, name;
  std::int64_t two_factor = 0;  // admin_2fa: 0 none, 1 email, 2 SMS
  std::string two_factor_value;
  std::int64_t create_time = 0;
};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

Value envelope(int reason) {
  return Value(Object{{"status", reason == 1 ? "OK" : "FAIL"}, {"reason", reason}});
}

long parse_long_option(const std::string &name, const std::string &value, long min) {
  try {
    size_t used = 0;
    long n = std::stol(value, &used);
    if (used == value.size() && n >= min) return n;
  } catch (const std::exception &) {
  }
  throw std::invalid_argument("sandbox option \"" + name + "\" must be an integer of at least " + std::to_string(min));
}

class Digital99Emulator final : public Emulator {
 public:
  const char *vendor() const override { return "99digital"; }

  bool set_option(const std::string &name, const std::string &value) override {
    std::lock_guard lock(mu_);
    if (name == "token_lifetime_s") token_lifetime_ = std::chrono::seconds(parse_long_option(name, value, 1));
    else if (name == "block_after") block_after_ = parse_long_option(name, value, 1);
    else if (name == "block_seconds") block_for_ = std::chrono::seconds(parse_long_option(name, value, 0));
    else return false;
    return true;
  }

  Value credentials() const override {
    return Value(Object{{"client_id", kClientId}, {"client_secret", kClientSecret}});
  }

  void expire_tokens() override {
    std::lock_guard lock(mu_);
    tokens_.clear();
  }

  Reply handle(const Request &req) override {
    if (req.path == "/api/settings/accessToken") return access_token(req);
    const Operation *op = nullptr;
    for (const auto &o : digital99().operations)
      if (o.path == req.path) op = &o;
    if (!op) return Reply::json(404, Value(Object{{"error", "no such endpoint"}}));
    if (req.method != method_name(op->method)) return fail(13);
    std::lock_guard lock(mu_);
    if (int reason = check_token(req)) return fail(reason);
    Value body = Value::object();
    if (!req.body.empty()) {
      try {
        body = parse_json(req.body);
      } catch (const JsonError &) {
        return fail(31);
      }
      if (!body.is_object()) return fail(31);
    }
    if (int reason = validation_reason(*op, body)) return fail(reason);
    if (op->name == "create_account") return create(body);
    if (op->name == "update_account") return update(body);
    if (op->name == "list_accounts") return list();
    if (op->name == "delete_account") return remove(body);
    if (op->name == "list_agents") return list_agents(body);
    if (op->name == "login_agent") return login_agent(body);
    if (op->name == "create_builder") return extras_.create_builder(body);
    if (op->name == "list_builders") return extras_.list_builders();
    if (op->name == "login_builder") return extras_.login_builder(body);
    if (op->name == "set_webhook") return extras_.set_webhook(body);
    if (op->name == "get_webhook") return extras_.get_webhook();
    return Reply::json(404, Value(Object{{"error", "no such endpoint"}}));
  }

 private:
  static constexpr const char *kClientId = "sandbox-client";
  static constexpr const char *kClientSecret = "sandbox-secret";

  static Reply fail(int reason) { return Reply::json(200, envelope(reason)); }

  // The first problem the library's validator finds, as the vendor's reason
  // code for that field. Unknown fields are ignored, as the vendor does.
  static int validation_reason(const Operation &op, const Value &body) {
    std::vector<FieldError> errors;
    validate(op.request, body, errors);
    for (const auto &e : errors) {
      if (e.rule == "unknown_field") continue;
      std::string top = e.path.substr(0, e.path.find_first_of(".["));
      for (const auto &r : op.reasons)
        for (const auto &f : r.fields)
          if (f == top) return r.code;
      return 31;
    }
    return 0;
  }

  Reply access_token(const Request &req) {
    if (req.method != "POST") return fail(13);
    std::lock_guard lock(mu_);
    auto now = Clock::now();
    if (blocked_until_ > now) return fail(3);
    bool ok = false;
    try {
      Value body = parse_json(req.body);
      const Value *id = body.find("client_id");
      const Value *secret = body.find("client_secret");
      ok = id && secret && id->is_string() && secret->is_string() && id->as_string() == kClientId &&
           secret->as_string() == kClientSecret;
    } catch (const JsonError &) {
    }
    if (!ok) {
      if (++failures_ >= block_after_) {
        blocked_until_ = now + block_for_;
        failures_ = 0;
      }
      return fail(2);
    }
    failures_ = 0;
    std::string token = new_token();
    auto expires = now + token_lifetime_;
    tokens_[token] = expires;
    Value v = envelope(1);
    v.set("access_token", token);
    // Documented quirk: UNIX seconds sent as a string.
    v.set("expiration_time",
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count()));
    v.set("token_type", "Bearer");
    return Reply::json(200, v);
  }

  int check_token(const Request &req) {
    const std::string *auth = req.header("authorization");
    if (!auth || !auth->starts_with("Bearer ")) return 2;
    auto it = tokens_.find(auth->substr(7));
    if (it == tokens_.end()) return 3;
    if (it->second <= Clock::now()) {
      tokens_.erase(it);
      return 3;
    }
    return 0;
  }

  std::string random_hex(std::string prefix) {
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) prefix.push_back(hex[rng_() & 15]);
    return prefix;
  }
  std::string new_token() { return random_hex("sbx_"); }

  static std::string str(const Value &body, const char *key, std::string fallback = "") {
    const Value *v = body.find(key);
    return v && v->is_string() ? v->as_string() : fallback;
  }
  static std::int64_t num(const Value &body, const char *key, std::int64_t fallback = 0) {
    const Value *v = body.find(key);
    return v && v->is_int() ? v->as_int() : fallback;
  }
  static bool known_server(const std::string &s) { return s == "online" || s == "eu1"; }

  Reply create(const Value &body) {
    Account a;
    a.server = str(body, "server", "online");
    if (!known_server(a.server)) return fail(34);
    a.id = next_account_++;
    a.name = str(body, "account_name");
    a.agents = num(body, "agents");
    a.inboxes = num(body, "inboxes");
    a.reference = str(body, "reference");
    a.create_time = now_seconds();
    // An admin_email already known under this partner is granted access to the
    // new account; its name and password are not used.
    std::string email = str(body, "admin_email");
    auto known = agent_ids_.find(email);
    std::int64_t agent_id = known != agent_ids_.end() ? known->second : new_agent(email, body);
    a.agent_ids.push_back(agent_id);
    accounts_[a.id] = a;
    notify("account_created", a);
    Value v = envelope(1);
    v.set("account_id", a.id);
    v.set("agent_id", agent_id);
    v.set("server", a.server);
    return Reply::json(200, v);
  }

  Reply update(const Value &body) {
    auto it = accounts_.find(num(body, "account_id"));
    if (it == accounts_.end()) return fail(33);
    Account &a = it->second;
    if (str(body, "server") != a.server) return fail(34);
    int was = a.status;
    if (body.find("account_name")) a.name = str(body, "account_name");
    if (body.find("account_status")) a.status = static_cast<int>(num(body, "account_status"));
    if (body.find("builder_url")) a.builder_url = str(body, "builder_url");
    notify(a.status == was ? "account_updated" : a.status == 0 ? "account_suspended" : "account_resumed", a);
    Value v = envelope(1);
    v.set("account_id", a.id);
    v.set("server", a.server);
    v.set("account_name", a.name);
    v.set("account_status", a.status);
    v.set("builder_url", a.builder_url);
    return Reply::json(200, v);
  }

  Reply list() {
    Array items;
    for (const auto &[id, a] : accounts_) {
      items.push_back(Value(Object{{"create_time", a.create_time},
                                   {"account_name", a.name},
                                   {"account_id", std::to_string(id)},  // documented: a string here
                                   {"server", a.server},
                                   {"account_status", a.status == 1 ? "active" : "suspended"},
                                   {"reference", a.reference}}));
    }
    Value v = envelope(1);
    v.set("totalOnline", static_cast<std::int64_t>(items.size()));
    v.set("list", Value(std::move(items)));
    return Reply::json(200, v);
  }

  Reply remove(const Value &body) {
    auto it = accounts_.find(num(body, "accountID"));
    if (it == accounts_.end()) return fail(33);
    // server left out is "online", the vendor's documented default.
    if (str(body, "server", "online") != it->second.server) return fail(34);
    notify("account_deleted", it->second);
    accounts_.erase(it);
    return Reply::json(200, envelope(1));
  }

  // A change of an online account, as a "partners" event [ours: the docs name
  // the event types, not their fields].
  void notify(const char *event, const Account &a) {
    extras_.notify(Value(Object{{"type", "partners"},
                                {"event", event},
                                {"account_id", a.id},
                                {"server", a.server},
                                {"account_name", a.name},
                                {"account_status", a.status == 1 ? "active" : "suspended"},
                                {"reference", a.reference},
                                {"time", now_seconds()}}));
  }

  std::int64_t new_agent(const std::string &email, const Value &body) {
    Agent g;
    g.id = next_agent_++;
    g.email = email;
    g.name = str(body, "admin_name");
    g.two_factor = num(body, "admin_2fa");
    g.two_factor_value = str(body, "admin_2fa_value");
    g.create_time = now_seconds();
    agent_ids_[email] = g.id;
    agents_[g.id] = g;
    return g.id;
  }

  // The account a getAgents or loginAgent body names, or the reason it is
  // refused: 29 for an unknown account, 34 for a server that is not its own
  // (left out: "online", the vendor's default).
  int find_account(const Value &body, Account *&out) {
    auto it = accounts_.find(num(body, "accountID"));
    if (it == accounts_.end()) return 29;
    if (str(body, "server", "online") != it->second.server) return 34;
    out = &it->second;
    return 0;
  }

  Value agent_item(const Agent &g) const {
    auto text_or_null = [](bool has, std::string v) { return has ? Value(std::move(v)) : Value(); };
    bool email = g.two_factor == 1, sms = g.two_factor == 2;
    bool has_value = !g.two_factor_value.empty();
    return Value(Object{{"id", g.id},
                        {"create_time", g.create_time},
                        {"email", g.email},
                        {"agent_name", g.name},
                        {"role", "Admin"},
                        {"two_factor_type", email ? Value("email") : sms ? Value("sms") : Value()},
                        {"two_factor_phone", text_or_null(sms && has_value, "+" + g.two_factor_value)},
                        {"two_factor_email", text_or_null(email && has_value, g.two_factor_value)}});
  }

  Reply list_agents(const Value &body) {
    Account *a = nullptr;
    if (int reason = find_account(body, a)) return fail(reason);
    Array items;
    for (std::int64_t id : a->agent_ids) items.push_back(agent_item(agents_.at(id)));
    Value v = envelope(1);
    v.set("accountID", a->id);
    v.set("server", a->server);
    v.set("totalagents", static_cast<std::int64_t>(items.size()));
    v.set("list", Value(std::move(items)));
    return Reply::json(200, v);
  }

  // A fresh single-use sign-in link each call; a suspended account's agents
  // cannot be signed in (reason 32), an agent without access to the account is
  // reason 35.
  Reply login_agent(const Value &body) {
    Account *a = nullptr;
    if (int reason = find_account(body, a)) return fail(reason);
    if (a->status == 0) return fail(32);
    std::int64_t agent = num(body, "agentID");
    if (std::find(a->agent_ids.begin(), a->agent_ids.end(), agent) == a->agent_ids.end()) return fail(35);
    Value v = envelope(1);
    v.set("accountID", a->id);
    v.set("agentID", agent);
    v.set("server", a->server);
    v.set("login", random_hex("https://" + a->server + ".99digital.co.il/sso/"));
    return Reply::json(200, v);
  }

  std::mutex mu_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::chrono::seconds token_lifetime_{3600};
  long block_after_ = 5;
  std::chrono::seconds block_for_{60};
  long failures_ = 0;
  Clock::time_point blocked_until_{};
  std::map<std::string, Clock::time_point> tokens_;
  std::map<std::int64_t, Account> accounts_;
  std::map<std::int64_t, Agent> agents_;
  std::map<std::string, std::int64_t> agent_ids_;  // by email
  std::int64_t next_account_ = 1000;
  std::int64_t next_agent_ = 100;
  // Last: its webhook thread stops before the state above goes.
  Digital99Extras extras_{[this](std::string prefix) { return random_hex(std::move(prefix)); }};
};

}  // namespace

std::unique_ptr<Emulator> make_digital99() { return std::make_unique<Digital99Emulator>(); }

}  // namespace ak::sandbox
