// Commvault Cloud (formerly Metallic) partner API (seed 003; ../shared/VENDORS.md
// section 3; docs/vendors/commvault.md). Username/password buy a bearer token of
// undocumented lifetime; success is {"data": ...}; errors are an HTTP status
// plus {"error": {"code": N, "message": "..."}}. Updates are asynchronous: the
// account shows "updating" until it settles in "active" or "update_failure";
// activation and deactivation likewise ("activating" then "active",
// "deactivating" then "deactivated").
#include "core/vendors/commvault/commvault.hpp"

#include <charconv>
#include <utility>

#include "core/auth.hpp"
#include "core/formats.hpp"

namespace ak {

namespace {

constexpr const char *kAuthenticatePath = "/api/v1/authenticate";
constexpr const char *kAccounts = "/api/v1/partner/accounts";
constexpr const char *kAccount = "/api/v1/partner/accounts/{id}";
constexpr const char *kActivate = "/api/v1/partner/accounts/{id}/activate";
constexpr const char *kDeactivate = "/api/v1/partner/accounts/{id}/deactivate";
// [ours] the fulfillment pages found show neither method nor path: these
// follow the accounts' ones.
constexpr const char *kFulfillments = "/api/v1/partner/fulfillments";
constexpr const char *kFulfillment = "/api/v1/partner/fulfillments/{id}";

// The one error code the vendor documents [doc].
ReasonCode record_not_found() { return {1006, Status::NotFound, {}, "Record not found"}; }

// The seed types the path id as a string: the examples are UUIDs, but a
// non-UUID id is the vendor's to refuse (404) [ours].
Field account_id() {
  return Field::string("id").path_param().req().describe("the account's id (a UUID in every example, either case)");
}

// Seed 003, "Address Object": every member optional; null clears it.
Field address() {
  auto line = [](const char *name, const char *doc) { return Field::string(name).null_ok().describe(doc); };
  return Field::object("address", {
      line("addressLine1", "address line 1"),
      line("addressLine2", "address line 2"),
      line("city", "city"),
      line("state", "state"),
      line("country", "country"),
      line("postalCode", "postal code"),
  }).null_ok().describe("left out: unchanged; null: removed; a member set to null: cleared");
}

// Seed 003, "Contact Object". The admin contact changes only when firstName,
// lastName and email are all given; all three left out leaves it unchanged.
Field contact() {
  return Field::object("", {
      Field::string("email").fmt(formats::kEmail).describe("admin contact email (with firstName and lastName)"),
      Field::string("firstName").describe("admin contact first name (with lastName and email)"),
      Field::string("lastName").describe("admin contact last name (with firstName and email)"),
      address(),
      Field::string("phone").null_ok().describe("contact phone; null removes it"),
  }).cross(all_or_none({"firstName", "lastName", "email"}));
}

// An operation on the one object (account, fulfillment) whose id is in the
// path, answered with that object (its id and status); an unknown id is the
// vendor's code 1006.
Operation by_id(const char *name, OpKind kind, Method method, const char *path, Field request) {
  Operation op = operation(name, kind, method, path);
  op.request = std::move(request);
  op.id_field = "id";
  op.result_id = "id";
  op.result_status = "status";
  op.reasons = {record_not_found()};
  return op;
}

Operation get_account() {
  return by_id("get_account", OpKind::Read, Method::Get, kAccount, Field::object("", {account_id()}));
}

// A list of the vendor's shape: filter, sort, zero-based pageNumber and
// pageSize (default 25) [doc]; the result keeps the envelope, {"data": [...],
// "metadata": {"pagination": {...}}}, and each item has its id and status.
Operation paged_list(const char *name, const char *path, const char *filter_doc, const char *size_doc) {
  Operation op = operation(name, OpKind::List, Method::Get, path);
  op.request = Field::object("", {
      Field::string("filter").describe(filter_doc),
      Field::string("sort").describe("\"asc:<field>\" or \"desc:<field>\"; the vendor's default is desc:updateTs"),
      Field::integer("pageNumber").digits(9).describe("zero-based page"),
      Field::integer("pageSize").gt0().describe(size_doc),
  });
  op.list_key = "data";
  op.result_id = "id";
  op.result_status = "status";
  op.paging = {"pageNumber", "pageSize", 0, 25, "metadata.pagination.totalRecords"};
  return op;
}

Operation list_accounts() {
  return paged_list("list_accounts", kAccounts, "search text", "accounts per page (the vendor's default is 25)");
}

Operation update_account() {
  // [ours] the docs show neither method nor path
  return by_id("update_account", OpKind::Update, Method::Put, kAccount, Field::object("", {
      account_id(),
      Field::string("externalId").req().describe("the account's id in the partner system (unique there)"),
      Field::string("name").req().describe("account name (unique in the partner system)"),
      Field::string("website").null_ok().describe("left out: unchanged; null: removed"),
      // One contact per account, the admin, is all the vendor accepts (Get
      // Account by Id, Contact Object) [doc].
      Field::array("contacts", contact()).most(1).req().describe("the admin contact (at most one); see the contact object"),
  }));
}

// PUT .../{id}/activate, no body [issue 15]: "activating", then "active".
Operation activate_account() {
  return by_id("activate_account", OpKind::Update, Method::Put, kActivate, Field::object("", {account_id()}));
}

// PUT .../{id}/deactivate [issue 15]: what to stop, at least one of the three;
// "deactivating", then "deactivated". A flag left out is not sent [ours].
Operation deactivate_account() {
  return by_id("deactivate_account", OpKind::Update, Method::Put, kDeactivate, Field::object("", {
      account_id(),
      Field::boolean("disableLogin").describe("true: the account's users can no longer log in"),
      Field::boolean("disableBackup").describe("true: the account's backups stop"),
      Field::boolean("disableRestore").describe("true: the account's restores stop"),
  }).cross(at_least_one_true({"disableLogin", "disableBackup", "disableRestore"})));
}

// ---- fulfillments: how accounts are created ---------------------------------
// Submit Fulfillment, type "New customer": the account (contacts, address)
// and the service's SKUs; asynchronous, the answer is the fulfillment, which
// reaches "complete" with the new account's accountId.

// The contact of a new account. [ours] only what every example shows is
// required; address members are the vendor's to require (it decides by country).
Field new_contact() {
  return Field::object("", {
      Field::string("type").describe("contact type; the examples show \"admin\""),
      Field::string("email").fmt(formats::kEmail).req().describe("contact email"),
      Field::string("firstName").req().describe("contact first name"),
      Field::string("lastName").req().describe("contact last name"),
      Field::string("phone").describe("contact phone"),
      Field::object("address", {
          Field::string("addressLine1").describe("address line 1"),
          Field::string("addressLine2").describe("address line 2"),
          Field::string("city").describe("city"),
          Field::string("state").describe("state (the vendor requires it in the United States)"),
          Field::string("country").describe("country (ISO code or name)"),
          Field::string("postalCode").describe("postal code"),
      }).describe("contact address"),
  });
}

Operation create_account() {
  Operation op = operation("create_account", OpKind::Create, Method::Post, kFulfillments);
  op.request = Field::object("", {
      Field::string("externalId").max(255).describe(
          "this fulfillment's id in your system, unique in Metallic (generated when left out): how a lost "
          "create is found again"),
      Field::string("resellerId").describe("the reseller's Metallic id, when a reseller brings the customer"),
      Field::string("mspId").describe("the MSP's Metallic id, when an MSP brings the customer"),
      Field::string("partnerId").describe("the MSP's partner Metallic id, when a reseller brings the customer"),
      Field::object("account", {
          // [ours] required: update_account requires it, and a lost create is found by it.
          Field::string("externalId").req().describe("the account's id in your system"),
          Field::string("name").req().describe("account name"),
          Field::string("website").describe("the customer's website"),
          Field::string("provisionCountry").describe("country the account is provisioned in"),
          Field::array("contacts", new_contact()).least(1).req().describe("the account's contacts (the admin)"),
      }).req().describe("the new customer"),
      Field::object("service", {
          Field::array("skus", Field::object("", {
              Field::string("sku").req().describe("the SKU's id"),
              Field::integer("quantity").gt0().describe("units bought (commit SKUs)"),
          })).least(1).req().describe("the SKUs bought"),
      }).req().describe("what the customer buys"),
  });
  op.result_id = "id";  // the fulfillment's; wait(result) follows it to the account
  op.result_status = "status";
  op.natural_key = "externalId";  // unique in Metallic [doc]
  op.lookup_op = "list_fulfillments";
  // Listed fulfillments show the account's externalId, not their own: the
  // ones for this account are read in full to find the key.
  op.lookup_detail = {"externalAccountId", "account.externalId", "get_fulfillment", "requestData.externalId"};
  op.settles_by = "get_fulfillment";
  return op;
}

Operation get_fulfillment() {
  return by_id("get_fulfillment", OpKind::Read, Method::Get, kFulfillment,
                    Field::object("", {Field::string("id").path_param().req().describe("the fulfillment's id")}));
}

Operation list_fulfillments() {
  return paged_list("list_fulfillments", kFulfillments, "by status (the only filter the vendor offers)",
                    "fulfillments per page (the vendor's default is 25)");
}

// The error for a non-2xx answer: category from the HTTP status (or from op's
// table for a documented code), message and code from {"error": {...}}.
Error vendor_error(const Operation *op, const HttpResponse &resp, std::string_view context = {}) {
  std::string text, code;
  try {
    Value body = parse_json_in_place(resp.body);
    const Value *err = body.is_object() ? body.find("error") : nullptr;
    if (err && err->is_string()) text = err->as_string();
    if (err && err->is_object()) {
      if (const Value *m = err->find("message"); m && m->is_string()) text = m->as_string();
      if (const Value *c = err->find("code"); c && (c->is_int() || c->is_string()))
        code = c->is_int() ? std::to_string(c->as_int()) : c->as_string();
    }
  } catch (const JsonError &) {
    // Not JSON (a proxy's page, say): the HTTP status is all there is.
  }
  if (text.empty()) text = "the vendor answered HTTP " + std::to_string(resp.status);
  std::string detail = code.empty() ? "HTTP " + std::to_string(resp.status)
                                    : "error " + code + ", HTTP " + std::to_string(resp.status);
  Error e = http_error(resp, std::string(context) + text + " (" + detail + ")");
  e.vendor_code = code;
  int n = 0;
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), n);
  if (op && !code.empty() && ec == std::errc() && end == code.data() + code.size())
    if (const ReasonCode *r = op->reason(n)) e.status = r->status;
  return e;
}

HttpRequest token_request(const std::string &url, const std::string &username, const std::string &password) {
  HttpRequest req;
  req.method = Method::Post;
  req.url = url;
  req.body = to_json(Value(Object{{"username", username}, {"password", password}}));
  return req;
}

// A refusal is not retriable: wrong credentials stay wrong, and a 401 or 403
// is remembered so nothing more is sent with them.
Token read_token(const HttpResponse &resp) {
  if (!is_2xx(resp.status)) {
    Error e = vendor_error(nullptr, resp, "authentication refused: ");
    e.credentials_refused = resp.status == 401 || resp.status == 403;
    throw e;
  }
  const Value *token = nullptr;
  Value body;
  try {
    body = parse_json_in_place(resp.body);
    token = get_path(body, "data.authToken");
  } catch (const JsonError &) {
  }
  if (!token || !token->is_string() || token->as_string().empty()) {
    Error e = decode_failure("the authenticate response has no data.authToken", resp);
    e.raw_body.clear();  // a success body we cannot read may still hold a live token
    throw e;
  }
  // The lifetime is undocumented: no expiry, re-authenticate when a call gets 401.
  return Token{token->as_string(), {}};
}

class Commvault final : public Vendor {
 public:
  Commvault() {
    name = "commvault";
    display_name = "Commvault Cloud partner API";
    default_base_url = "https://api.metallic.io";
    credential_options = {"username", "password", "access_token"};
    secret_options = {"password", "access_token"};
    secret_keys = {"authToken"};  // the authenticate answer's token
    operations = {create_account(),     get_account(),        list_accounts(),   update_account(),
                  activate_account(),   deactivate_account(), get_fulfillment(), list_fulfillments()};
    settlings = {
        // [ours] provisioning is not settled either: a wait on a new account lasts until it is usable.
        // activating and deactivating [issue 15]; the docs name no failure state for them.
        {"get_account", {"updating", "provisioning", "activating", "deactivating"}, {"update_failure"}, {}, "", ""},
        // "complete" is the one status the docs name [doc]; every other one not
        // a failure is "not yet" [ours], and a completed one leads to its account.
        {"get_fulfillment", {}, {"failed", "error", "cancelled"}, {"complete"}, "accountId", "get_account"},
    };
    reads_per_hour = 1000;  // per tenant [doc]; past them HTTP 429
    // One contact per account, the admin [doc]: its email. Times carry no zone: UTC [ours].
    account_view.id = {"id"};
    account_view.name = {"name"};
    account_view.status = {"status"};
    account_view.email = {"contacts[0].email"};
    account_view.country = {"provisionCountry", "contacts[0].address.country"};
    account_view.key = {"externalId"};
    account_view.created = {"insertTs"};
    account_view.updated = {"updateTs"};
    // [ours] an account being updated (or whose update failed) still serves;
    // one being provisioned or activated is not in use yet; deactivating and
    // deactivated stop it.
    account_view.statuses = {{"active", "active"},        {"updating", "active"},
                             {"update_failure", "active"}, {"provisioning", "pending"},
                             {"activating", "pending"},    {"deactivating", "suspended"},
                             {"deactivated", "suspended"}};
    writes_per_hour = 100;
    // Plan/apply (core/plan.hpp): the partner's key is the account's
    // externalId [doc]; a record mirrors create_account's "account" part;
    // suspended is deactivated with login disabled (backups and restores go
    // on), and pruning deactivates everything (the API deletes no account)
    // [ours]: deactivate_account needs at least one flag.
    reconcile.key_field = "account.externalId";
    reconcile.compare_root = "account";
    Value login_off = Value::object();
    login_off.set("disableLogin", true);
    reconcile.to_status = {{"suspended", "deactivate_account", login_off}, {"active", "activate_account"}};
    reconcile.remove_op = "deactivate_account";
    reconcile.remove_fields = Value::object();
    for (const char *flag : {"disableLogin", "disableBackup", "disableRestore"}) reconcile.remove_fields.set(flag, true);
    // A new customer's account appears only once its fulfillment is complete:
    // until then the fulfillment (externalAccountId [doc]) says it is coming.
    reconcile.in_flight_op = "list_fulfillments";
    reconcile.in_flight_key = "externalAccountId";
  }

  std::unique_ptr<Authenticator> authenticator(const Options &opts) const override {
    if (const auto *token = find_option(opts, "access_token")) return std::make_unique<BearerAuth>(*token);
    if (!find_option(opts, "username") && !find_option(opts, "password"))
      throw Error(Status::InvalidArgument, "commvault: set username and password, or access_token");
    std::string username = require_option(opts, "username", name);
    std::string password = require_option(opts, "password", name);
    std::string url = opts.at("base_url") + kAuthenticatePath;
    TokenSource source{[url, username, password] { return token_request(url, username, password); }, read_token};
    return std::make_unique<BearerAuth>(std::move(source), std::vector<std::string>{password});
  }

  Value decode(const Operation &op, const HttpResponse &resp) const override {
    if (!is_2xx(resp.status)) {
      Error e = vendor_error(&op, resp);
      // The token lifetime is undocumented: a 401 means "fetch a new one and resend once".
      e.token_rejected = resp.status == 401;
      throw e;
    }
    Value body;
    try {
      body = parse_json_in_place(resp.body);
    } catch (const JsonError &) {
      throw decode_failure("the response is not valid JSON", resp);
    }
    if (!body.is_object()) throw decode_failure("the response is not a JSON object", resp);
    if (!op.list_key.empty()) {
      // Lists keep the envelope: the pagination metadata lives beside "data".
      Value *items = body.find(op.list_key);
      if (!items) body.set(op.list_key, Value::array());
      else if (!items->is_array()) throw decode_failure("\"" + op.list_key + "\" is not a list", resp);
      return body;
    }
    Value *data = body.find("data");
    if (!data || !data->is_object()) throw decode_failure("the response has no \"data\" object", resp);
    return std::move(*data);
  }
};

}  // namespace

const Vendor &commvault() {
  static const Commvault v;
  return v;
}

}  // namespace ak
