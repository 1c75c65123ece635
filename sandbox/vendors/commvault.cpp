// Commvault Cloud partner API emulator. Validation reuses the library's rule
// tables, so a client with validate=false gets the vendor's 400 answers.
// Sandbox choices (documented in docs/vendors/commvault.md, "Sandbox"):
//  - credentials: username "sandbox-partner", password "sandbox-password";
//    tokens are random, never expire by themselves (expire_tokens drops them);
//  - three fixed accounts, plus seed_accounts generated ones for paging;
//  - updates show "updating" for update_delay_ms, then the status they found
//    ("active" or "deactivated"); an update whose name starts with "FAIL"
//    settles in "update_failure" and is undone;
//  - activate shows "activating", deactivate "deactivating", for the same
//    delay, then "active" / "deactivated"; both accept an account already
//    there; a change while another is pending replaces it;
//  - sliding-window budgets of read_budget GETs and write_budget PUTs per
//    budget_window_s, past them 429 with Retry-After;
//  - error codes: 1006 as documented, the others ours (see the doc page).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>

#include "core/vendors/commvault/commvault.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/vendors/commvault_fulfillments.hpp"
#include "sandbox/vendors/commvault_wire.hpp"

namespace ak::sandbox {

namespace {

using namespace commvault_wire;

constexpr const char *kUsername = "sandbox-partner";
constexpr const char *kPassword = "sandbox-password";
constexpr const char *kAuthenticate = "/api/v1/authenticate";
constexpr const char *kAccounts = "/api/v1/partner/accounts";
constexpr const char *kFulfillments = "/api/v1/partner/fulfillments";
constexpr const char *kGeneratedIdPrefix = "00000000-0000-4000-8000-";  // + 12 digits
constexpr long kMaxGenerated = 10000;

bool contains_ci(const std::string &haystack, const std::string &needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

bool given(const Value *v) { return v && !v->is_null(); }

std::string zero_pad(long n, int width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < static_cast<size_t>(width) ? width - s.size() : 0, '0') + s;
}

long parse_long(const std::string &name, const std::string &value, long min, long max) {
  try {
    size_t used = 0;
    long n = std::stol(value, &used);
    if (used == value.size() && n >= min && n <= max) return n;
  } catch (const std::exception &) {
  }
  throw std::invalid_argument("sandbox option \"commvault." + name + "\" must be an integer from " +
                              std::to_string(min) + " to " + std::to_string(max));
}

// ---- seeded data ------------------------------------------------------------------

Value address(const char *line1, const char *line2, const char *city, const char *state, const char *country,
              const char *postal) {
  auto text = [](const char *s) { return s ? Value(s) : Value(); };
  return Value(Object{{"addressLine1", text(line1)}, {"addressLine2", text(line2)}, {"city", text(city)},
                      {"state", text(state)}, {"country", text(country)}, {"postalCode", text(postal)}});
}

struct Seed {
  std::string id, external_id, name;
  Value website;
  std::string country, type, inserted, updated;
  std::string first, last, email;
  Value phone;  // null: the contact has no phone
  Value address;
};

// The full account object, members in the order the seed's example shows.
Value account(Seed s) {
  Object contact{{"type", "admin"}, {"email", s.email}, {"firstName", s.first}, {"lastName", s.last}};
  if (!s.phone.is_null()) contact.emplace_back("phone", std::move(s.phone));
  contact.emplace_back("address", std::move(s.address));
  return Value(Object{{"id", s.id},
                      {"status", "active"},
                      {"insertTs", s.inserted},
                      {"updateTs", s.updated},
                      {"externalId", s.external_id},
                      {"name", s.name},
                      {"website", std::move(s.website)},
                      {"provisionCountry", s.country},
                      {"contacts", Value(Array{Value(std::move(contact))})},
                      {"type", s.type}});
}

// The fixed accounts every sandbox starts with (docs/vendors/commvault.md).
std::vector<Value> fixed_accounts() {
  return {
      account({"7194af6f-1285-4295-94aa-ceed7ea2d792", "XSP1234", "Acme ltd", "www.acme.com", "United States",
               "Production", "2021-06-07T21:16:48", "2021-06-07T21:16:48", "John", "Doe", "john.doe@acme.com",
               Value(), address("1 Ave", "Suite 204", "Sunnyvale", "California", "United States", "94086")}),
      account({"3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76", "XSP2001", "Globex Corporation", "www.globex.example",
               "Germany", "POC", "2022-11-02T08:00:00", "2023-03-14T09:26:53", "Erika", "Mustermann",
               "erika.mustermann@globex.example", Value(),
               address("Friedrichstrasse 100", nullptr, "Berlin", "Berlin", "Germany", "10117")}),
      account({"C0FFEE00-1234-4ABC-8DEF-0123456789AB", "XSP3003", "Initech", Value(), "United Kingdom", "Internal",
               "2023-05-01T12:00:00", "2024-02-29T12:00:00", "Peter", "Gibbons", "peter.gibbons@initech.example",
               "+441234567890", address("4120 Freidrich Lane", nullptr, "London", nullptr, "United Kingdom", "EC1A 1BB")}),
  };
}

// Generated account n (1-based), for paging: ids 00000000-0000-4000-8000-00000000000n.
Value generated_account(long n) {
  std::string num = zero_pad(n, 5);
  std::string ts = utc(1640995200 + n * 60);  // 2022-01-01T00:00:00 UTC plus n minutes
  return account({kGeneratedIdPrefix + zero_pad(n, 12), "SBX" + num, "Sandbox Account " + num,
                  "www.sbx" + num + ".example", "United States", "Production", ts, ts, "Sandbox", "User " + num,
                  "user" + num + "@sandbox.example", Value(),
                  address("1 Sandbox Way", nullptr, "Sunnyvale", "California", "United States", "94086")});
}

// ---- budgets ----------------------------------------------------------------------

// A sliding window of admitted requests.
class Budget {
 public:
  // Admits one request now, or returns the whole seconds until one would be.
  std::optional<long> admit(Steady::time_point now, long limit, milliseconds window) {
    while (!times_.empty() && times_.front() + window <= now) times_.pop_front();
    if (static_cast<long>(times_.size()) < limit) {
      times_.push_back(now);
      return std::nullopt;
    }
    // A slot frees when the request limit places from the end leaves the window.
    auto frees = limit <= 0 ? now + window : times_[times_.size() - static_cast<size_t>(limit)] + window;
    auto ms = std::chrono::duration_cast<milliseconds>(frees - now).count();
    return std::max<long>(1, static_cast<long>((ms + 999) / 1000));
  }

 private:
  std::deque<Steady::time_point> times_;
};

// ---- the emulator -----------------------------------------------------------------

struct Account {
  Value data;                 // the account object as the vendor returns it
  Value before;               // the account as it was when the pending update arrived
  bool pending = false;       // an update is in progress
  bool fails = false;         // ...and will settle in update_failure
  std::string settles_to;     // ...else in this status
  Steady::time_point settles_at{};
};

class CommvaultEmulator final : public Emulator {
 public:
  CommvaultEmulator() {
    for (auto &a : fixed_accounts()) add(std::move(a));
  }

  const char *vendor() const override { return "commvault"; }

  bool set_option(const std::string &name, const std::string &value) override {
    std::lock_guard lock(mu_);
    if (name == "update_delay_ms") {
      update_delay_ = milliseconds(parse_long(name, value, 0, 86'400'000));
      fulfillments_.set_delay(update_delay_);
    }
    else if (name == "read_budget") read_budget_ = parse_long(name, value, 0, 1'000'000'000);
    else if (name == "write_budget") write_budget_ = parse_long(name, value, 0, 1'000'000'000);
    else if (name == "budget_window_s") window_ = std::chrono::seconds(parse_long(name, value, 1, 86'400));
    else if (name == "seed_accounts") seed_generated(parse_long(name, value, 0, kMaxGenerated));
    else return false;
    return true;
  }

  Value credentials() const override { return Value(Object{{"username", kUsername}, {"password", kPassword}}); }

  void expire_tokens() override {
    std::lock_guard lock(mu_);
    tokens_.clear();
  }

  Reply handle(const Request &req) override {
    std::lock_guard lock(mu_);
    if (req.path == kAuthenticate)
      return req.method == "POST" ? authenticate(req) : error(405, kNoEndpoint, "method not allowed");
    if (req.path.starts_with(kFulfillments)) return fulfillment(req);
    // /api/v1/partner/accounts (GET), /api/v1/partner/accounts/{id} (GET, PUT),
    // /api/v1/partner/accounts/{id}/activate and .../deactivate (PUT).
    const std::string collection = kAccounts, item = collection + "/";
    bool is_list = req.path == collection;
    std::string id, action;
    if (req.path.starts_with(item)) {
      id = req.path.substr(item.size());
      if (auto slash = id.find('/'); slash != std::string::npos) {
        action = id.substr(slash + 1);
        id.resize(slash);
      }
    }
    bool is_item = !id.empty() && (action.empty() || action == "activate" || action == "deactivate");
    if (!is_list && !is_item) return error(404, kNoEndpoint, "no such endpoint");
    bool read = req.method == "GET";
    if (read ? !action.empty() : !(is_item && req.method == "PUT"))
      return error(405, kNoEndpoint, "method not allowed");
    auto now = Steady::now();
    if (auto refusal = admit(req, read, now)) return std::move(*refusal);
    if (is_list) return list(req, now);
    auto it = accounts_.find(lower(id));  // ids are compared case-insensitively
    if (it == accounts_.end()) return error(404, kNotFound, "Record not found");
    settle(it->second, now);
    if (read) return data(it->second.data);
    if (action.empty()) return update(it->second, id, req.body, now);
    return change_state(it->second, id, action == "activate", req.body, now);
  }

 private:
  // The token and the read or write budget every partner request needs;
  // then fulfillments due by now move on (and make their accounts).
  std::optional<Reply> admit(const Request &req, bool read, Steady::time_point now) {
    if (!authorized(req)) return error(401, kBadToken, "invalid or expired token");
    if (auto retry = (read ? reads_ : writes_).admit(now, read ? read_budget_ : write_budget_, window_))
      return too_many(read, *retry);
    fulfillments_.settle(now);
    return std::nullopt;
  }

  // /api/v1/partner/fulfillments (GET, POST), /api/v1/partner/fulfillments/{id} (GET).
  Reply fulfillment(const Request &req) {
    const std::string collection = kFulfillments;
    std::string id = req.path.size() > collection.size() + 1 && req.path[collection.size()] == '/'
                         ? req.path.substr(collection.size() + 1)
                         : "";
    bool is_list = req.path == collection;
    if (!is_list && (id.empty() || id.find('/') != std::string::npos)) return error(404, kNoEndpoint, "no such endpoint");
    bool read = req.method == "GET";
    if (!read && !(is_list && req.method == "POST")) return error(405, kNoEndpoint, "method not allowed");
    auto now = Steady::now();
    if (auto refusal = admit(req, read, now)) return std::move(*refusal);
    if (!read) return fulfillments_.submit(req.body, now);
    return is_list ? fulfillments_.list(req) : fulfillments_.get(id);
  }

  // The account a completed fulfillment makes: "provisioning" for the delay, then "active".
  std::string provision(const Value &request, Steady::time_point now) {
    std::string id = random_uuid(rng_);
    std::string ts = now_utc();
    Value a(Object{{"id", id}, {"status", "provisioning"}, {"insertTs", ts}, {"updateTs", ts}});
    for (const char *key : {"externalId", "name", "website", "provisionCountry", "contacts"})
      a.set(key, request.find(key) ? *request.find(key) : Value());
    a.set("type", "Production");
    Account &stored = accounts_[id];
    stored.data = std::move(a);
    stored.pending = true;
    stored.settles_to = "active";
    stored.settles_at = now + update_delay_;
    return id;
  }

  void add(Value a) {
    std::string key = lower(a.find("id")->as_string());
    accounts_[key].data = std::move(a);
  }

  void seed_generated(long n) {
    std::erase_if(accounts_, [](const auto &kv) { return kv.first.starts_with(kGeneratedIdPrefix); });
    for (long i = 1; i <= n; ++i) add(generated_account(i));
  }

  Reply authenticate(const Request &req) {
    Value body;
    try {
      body = parse_json(req.body);
    } catch (const JsonError &) {
      return error(400, kMalformed, "the body must be a JSON object");
    }
    const Value *user = body.find("username");
    const Value *pass = body.find("password");
    bool ok = user && pass && user->is_string() && pass->is_string() && user->as_string() == kUsername &&
              pass->as_string() == kPassword;
    if (!ok) return error(401, kBadCredentials, "invalid username or password");
    std::string token = new_token();
    tokens_.insert(token);
    return data(Value(Object{{"authToken", token}}));
  }

  bool authorized(const Request &req) const {
    const std::string *auth = req.header("authorization");
    if (!auth || !auth->starts_with("Bearer ")) return false;
    return tokens_.count(auth->substr(7)) > 0;
  }

  std::string new_token() {
    static constexpr char hex[] = "0123456789abcdef";
    std::string t = "sbxcv_";
    for (int i = 0; i < 40; ++i) t.push_back(hex[rng_() & 15]);
    return t;
  }

  Reply too_many(bool read, long retry_after) const {
    long limit = read ? read_budget_ : write_budget_;
    Reply r = error(429, kTooMany,
                    std::string("rate limit exceeded: at most ") + std::to_string(limit) + (read ? " reads" : " writes") +
                        " per " + std::to_string(window_.count()) + " s; retry in " + std::to_string(retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return r;
  }

  // Updates settle when read after their delay: no background thread needed.
  void settle(Account &a, Steady::time_point now) {
    if (!a.pending || now < a.settles_at) return;
    a.pending = false;
    if (a.fails) a.data = std::move(a.before);
    a.before = Value();
    a.data.set("status", a.fails ? "update_failure" : a.settles_to);
  }

  // The status an account settles in when nothing changes it: a pending
  // change's target, else the status it shows.
  static std::string resting_status(const Account &a) {
    if (a.pending) return a.settles_to;
    const Value *s = a.data.find("status");
    return s && s->is_string() ? s->as_string() : "active";
  }

  Reply list(const Request &req, Steady::time_point now) {
    ListQuery q;
    if (auto refusal = ListQuery::parse(req, q)) return std::move(*refusal);
    std::vector<const Value *> hits;
    for (auto &entry : accounts_) {
      auto &a = entry.second;  // not a structured binding: clang 14 cannot capture those
      settle(a, now);
      auto text = [&](const char *k) {
        const Value *v = a.data.find(k);
        return v && v->is_string() ? v->as_string() : std::string();
      };
      if (q.filter.empty() || contains_ci(text("name"), q.filter) || contains_ci(text("externalId"), q.filter))
        hits.push_back(&a.data);
    }
    return q.page_of(std::move(hits));  // ties in id order (the map's)
  }

  Reply update(Account &a, const std::string &id, const std::string &text, Steady::time_point now) {
    Value body;
    if (auto refusal = refuse_body(update_op(), id, text, body)) return std::move(*refusal);

    std::string back = resting_status(a);
    a.settles_to = back == "deactivated" ? back : "active";
    a.before = a.data;
    apply(a.data, body);
    a.data.set("status", "updating");
    a.data.set("updateTs", now_utc());
    a.pending = true;
    a.fails = body.find("name")->as_string().starts_with("FAIL");
    a.settles_at = now + update_delay_;
    return data(a.data);
  }

  // activate (no body read) or deactivate (disableLogin, disableBackup,
  // disableRestore, at least one true): "activating" / "deactivating" until
  // the delay passes. The flags are not kept: the account object shows none.
  Reply change_state(Account &a, const std::string &id, bool activate, const std::string &text,
                     Steady::time_point now) {
    if (!activate) {
      Value body;
      if (auto refusal = refuse_body(*commvault().find("deactivate_account"), id, text, body)) return std::move(*refusal);
    }
    a.before = Value();
    a.fails = false;
    a.pending = true;
    a.settles_to = activate ? "active" : "deactivated";
    a.settles_at = now + update_delay_;
    a.data.set("status", activate ? "activating" : "deactivating");
    a.data.set("updateTs", now_utc());
    return data(a.data);
  }

  static const Operation &update_op() { return *commvault().find("update_account"); }

  // Tri-state: a member left out is unchanged, one set to null is cleared.
  static void apply(Value &account, const Value &body) {
    for (const char *key : {"externalId", "name", "website"})
      if (const Value *v = body.find(key)) account.set(key, *v);
    const Array &contacts = body.find("contacts")->as_array();
    if (!contacts.empty()) apply_contact(admin_contact(account), contacts.front());
  }

  static Value &admin_contact(Value &account) {
    Value *contacts = account.find("contacts");
    if (!contacts || !contacts->is_array()) contacts = &account.set("contacts", Value::array());
    for (auto &c : contacts->as_array())
      if (const Value *type = c.find("type"); type && *type == Value("admin")) return c;
    contacts->as_array().push_back(Value(Object{{"type", "admin"}}));
    return contacts->as_array().back();
  }

  static void apply_contact(Value &contact, const Value &change) {
    // The admin contact's identity changes only when all three are given.
    static const char *const identity[] = {"firstName", "lastName", "email"};
    if (std::all_of(std::begin(identity), std::end(identity), [&](const char *k) { return given(change.find(k)); }))
      for (const char *k : identity) contact.set(k, *change.find(k));
    if (const Value *phone = change.find("phone")) contact.set("phone", *phone);
    const Value *addr = change.find("address");
    if (!addr) return;
    if (addr->is_null()) {
      contact.set("address", Value());
      return;
    }
    Value *stored = contact.find("address");
    if (!stored || !stored->is_object()) stored = &contact.set("address", Value::object());
    static const Field &schema = *update_op().request.member("contacts")->element->member("address");
    for (const auto &m : schema.members)
      if (const Value *v = addr->find(m.name)) stored->set(m.name, *v);
  }

  std::mutex mu_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::set<std::string> tokens_;
  std::map<std::string, Account> accounts_;  // by lower-case id
  milliseconds update_delay_{2000};
  Fulfillments fulfillments_{[this](const Value &account, Steady::time_point now) { return provision(account, now); }};
  long read_budget_ = 1000, write_budget_ = 100;
  std::chrono::seconds window_{3600};
  Budget reads_, writes_;
};

}  // namespace

std::unique_ptr<Emulator> make_commvault() { return std::make_unique<CommvaultEmulator>(); }

}  // namespace ak::sandbox
