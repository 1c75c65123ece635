// A vendor is its operations as data plus the few hooks data cannot say:
// how to authenticate and how to decode its responses. Adding a vendor means
// one folder under core/vendors and one line in core/vendors/registry.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/http.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "core/schema.hpp"

namespace ak {

enum class OpKind { Create, Read, List, Update, Delete };

// What a vendor's error code means: its category and, when it names one, the field.
struct ReasonCode {
  int code;
  Status status;
  std::vector<std::string> fields;  // request fields the code refers to (may be none)
  std::string message;  // our wording of the vendor's meaning
  bool retriable = false;
  // The vendor may have done part of the work before failing (99digital
  // reason 31 on a create): the attempt is ambiguous, never blindly resent.
  bool maybe_applied = false;
};

// How a list operation pages (empty page_param = one page holds everything).
struct Paging {
  std::string page_param;   // "page", "pageNumber"
  std::string size_param;   // "per_page", "pageSize"
  int first_page = 1;
  int page_size = 100;      // sent when the caller did not choose one
  std::string total_path;   // result path of the total count; "" = a short page is the last
};

// How an asynchronous result settles: poll read_op with its id until the
// status leaves pending.
struct Settling {
  std::string read_op;                 // "get_account"
  std::vector<std::string> pending;    // statuses that mean "not yet"
  std::vector<std::string> failed;     // statuses that mean the operation failed
  // When the vendor's list of statuses is not known in full: the ones that
  // mean "done"; then every status in neither done nor failed means "not yet".
  std::vector<std::string> done;
  // What a settled result leads to: the field holding the next id, and the
  // read_op of the settling that follows it (a fulfillment to its account).
  std::string then_id, then_read_op;

  bool is_pending(const std::string &status) const;
  bool is_failed(const std::string &status) const;
};

// How a vendor's account record (get_account's result, an item of
// list_accounts) reads as the common account view (core/view.hpp). Each
// common field lists the record paths that may hold it ("contacts[0].email"):
// the first holding a value that is not null or "" wins; no path (or none
// holding a value) leaves the field null. docs/vendors/<vendor>.md, "Account
// view", says where each comes from.
struct AccountView {
  std::vector<std::string> id, name, status, email, country, key, created, updated;
  // The vendor's status values (compared case-insensitively; a number by its
  // JSON text, "1") and the common status each means: "active", "suspended",
  // "pending" or "deleted". A value not listed reads "unknown".
  std::vector<std::pair<std::string, std::string>> statuses;
};

struct Operation {
  std::string name;  // "create_account"
  OpKind kind = OpKind::Read;
  Method method = Method::Get;
  std::string path;       // "/api/online/createAccount"; "{name}" binds a path_param field
  Field request;          // Object schema of the request fields
  std::vector<ReasonCode> reasons;
  std::string id_field;   // request field naming the target account (bindings take it positionally)
  std::string result_id;  // response field with the account id
  std::string result_status;  // response field with the account status
  // Creates with a natural key: a caller field (generated when left out) that
  // lookup_op returns, so a create whose answer was lost can be found again.
  std::string natural_key;
  // Creates with a natural key: the vendor's list operation that finds a lost
  // create by that key ("list_accounts"). Every operation with a natural_key
  // names one (tests/unit/vendor_tables_test.cpp checks it).
  std::string lookup_op;
  // Creates with a natural key: the lookup_op field (a path) that filters
  // the list by the key, so the lookup reads only its matches
  // ("filters.email"); "" walks every page.
  std::string lookup_filter;
  // Creates with a natural key: fields of a normal answer that an account
  // found by lookup_op cannot carry (99digital: "agent_id"); a recovered
  // result names them in Result::unavailable.
  std::vector<std::string> recovery_lacks;
  // Creates whose lookup_op lists items without the natural key (Commvault's
  // fulfillments): an item is a candidate when its field listed equals the
  // request field at path sent, and is this request's when read_op (given the
  // item's id) answers with the natural key at key_path. read_op empty: the
  // listed items carry natural_key themselves.
  struct LookupDetail {
    std::string listed, sent, read_op, key_path;
  } lookup_detail;
  // Operations whose result settles later: the read_op of the vendor's
  // settling that follows it ("" = the first, the account's).
  std::string settles_by;
  // Where the fields go in a JSON body: "" at the top, "data.attributes" for
  // a JSON:API document (path parameters stay out of it).
  std::string body_under;
  std::string media_type = "application/json";  // of the body and the answer
  std::string list_key;   // list operations: result path of the items
  Paging paging;          // list operations

  const ReasonCode *reason(int code) const;
};

// The start of every operation definition: the rest is set field by field.
Operation operation(std::string name, OpKind kind, Method method, std::string path);

// Options a client was configured with: credential names are the vendor's own.
using Options = std::map<std::string, std::string>;

// Adds credentials to outgoing requests; holds a client's token cache. Never
// blocks and never performs I/O: a token fetch is a step of the operation
// that needs it (core/auth.hpp says how the steps go).
class Authenticator {
 public:
  struct Step {
    enum Kind { Ready, Fetch, Wait, Failed } kind = Ready;
    HttpRequest fetch;             // Fetch: the token request the caller now owns
    std::uint64_t generation = 0;  // Wait: until generation() moves past this
    Error error;                   // Failed: why (the failed fetch this caller waited for)
  };
  virtual ~Authenticator() = default;
  // Adds credentials to req (Ready), or says what must happen first. waited:
  // the generation the caller waited on (0: it did not wait); a fetch that
  // failed since then is the caller's failure too. Thread-safe.
  virtual Step authorize(HttpRequest &req, std::uint64_t waited) = 0;
  // The answer to the token request authorize() handed out: nullopt when it
  // holds a token (now in use), else the error it means. Thread-safe.
  virtual std::optional<Error> fetched(const HttpResponse &) { return std::nullopt; }
  // The token request got no answer (or its operation was abandoned).
  virtual void fetch_failed(const Error &) {}
  // Moves whenever a fetch ends; what Wait waits on.
  virtual std::uint64_t generation() const { return 0; }
  // Runs wake (on the thread that ended a fetch) each time generation()
  // moves, until the returned handle is released.
  virtual std::shared_ptr<void> on_change(std::function<void()>) { return nullptr; }
  // The vendor rejected the token used for req: forget it. Returns true when a
  // new one can be fetched (so the call is worth resending once).
  virtual bool invalidate(const HttpRequest &req) = 0;
  // Every secret this authenticator holds or has fetched, for scrubbing text.
  // Whether credentials are checked by a request of their own (a token fetch).
  virtual bool fetches() const { return false; }
  virtual std::vector<std::string> secrets() const = 0;
};

// How plan/apply (core/plan.hpp) brings the vendor's accounts in line with
// the partner's desired records. An empty key_field: the vendor cannot be
// planned (no documented place for the partner's own key).
struct Reconcile {
  std::string key_field;     // path of the partner's key in create_account's fields: "reference"
  // A vendor with no field for the partner's key but a list of {"key",
  // "value"} attributes the partner defines (ActivePlatform's
  // "custom_attributes", the same path in create_account's fields and in
  // the account record): the partner names the attribute that holds its key
  // (the key_attribute setting, core/partner_key.hpp). The list is compared
  // by each element's "key", not by position.
  std::string key_list;
  std::string compare_root;  // the part of create_account's fields an account record mirrors ("": all)
  // How an account reaches a status ("active", "suspended"): the operation
  // and the fields that make it (the account's id is added).
  struct StatusChange {
    std::string status, operation;
    Value fields = Value::object();
  };
  std::vector<StatusChange> to_status;
  std::string remove_op;  // what removes an account when pruning ("": it cannot be removed)
  Value remove_fields = Value::object();  // and the fields it takes besides the id
  // Where creates the vendor is still carrying out are listed (Commvault's
  // fulfillments: "list_fulfillments"), and where such an item holds the
  // key of the account it makes ("externalAccountId"). An item is in flight
  // while create_account's settling calls its status pending; a desired
  // record whose account is on its way is not created a second time.
  std::string in_flight_op, in_flight_key;
};

class Vendor {
 public:
  virtual ~Vendor() = default;

  std::string name;              // "99digital"
  std::string display_name;      // "99digital Partners API"
  std::string default_base_url;  // "" when there is none (must be configured)
  std::vector<std::string> credential_options;  // option names this vendor accepts
  std::vector<std::string> secret_options;      // the ones never to print
  // Keys of the vendor's wire format whose values are secrets, beyond the
  // secret options and the request fields marked secret (a token answer's
  // "authToken"). api::secret_keys() reads all three.
  std::vector<std::string> secret_keys;
  // Client options (among credential_options) that fill a path's "{name}"
  // when no field does: the caller's own reseller id, set once per client.
  std::vector<std::string> path_options;
  std::vector<Operation> operations;
  // How asynchronous results settle; the first is the account's, the one
  // ak_wait follows by default. None: the vendor is synchronous.
  std::vector<Settling> settlings;
  // Documented request budgets per hour (0: none), the defaults of the client
  // options reads_per_hour (GET) and writes_per_hour (every other method).
  long reads_per_hour = 0, writes_per_hour = 0;
  Reconcile reconcile;
  // How its account records read as the common account view.
  AccountView account_view;

  const Operation *find(std::string_view op) const;
  // The settling that follows a result of op ("" = an account id), or null
  // when op's results do not settle (or the vendor is synchronous).
  const Settling *settling_for(std::string_view op) const;

  // Builds the authenticator from the client's options. Throws Error
  // (InvalidArgument) naming what is missing.
  virtual std::unique_ptr<Authenticator> authenticator(const Options &opts) const = 0;

  // Turns a response into the result tree (the vendor's fields by their own
  // names, envelope removed) or throws Error with category, vendor code and fields.
  virtual Value decode(const Operation &op, const HttpResponse &resp) const = 0;

  // Turns the body of a webhook call the vendor made to the integrator's
  // server into a result: data = the event's fields, id = the account (or
  // other object) it concerns, status = the event's kind. Throws Error(Decode)
  // naming what is wrong with the body (never quoting it), and
  // Error(UnknownOperation) for a vendor that sends no webhooks (the default).
  // Whether the call came from the vendor (its source address, a signature)
  // is the integrator's server's to check: the body alone cannot say.
  virtual Result parse_webhook(std::string_view body) const;

  // The status of a result: the vendor's own text ("provisioning"), or for
  // a status written as a number, what the account view's table makes of it
  // (99digital's 1 and 0: "active", "suspended").
  std::string status_of(const Operation &op, const Value &result) const;
};

// Every vendor the library knows, in a fixed order.
const std::vector<const Vendor *> &vendors();
const Vendor *find_vendor(std::string_view name);

// Request-building helpers shared by vendors.
// Expands "{field}" placeholders from fields (percent-encoded); those fields
// are removed from body. Throws Error(Validation) for a missing path field,
// and for one that is a dot segment or empty (path_segment_problem).
std::string expand_path(const Operation &op, Value &body);

// The names of op's path parameters: the "{name}" placeholders of its path.
std::vector<std::string> path_params(const Operation &op);

// Why text cannot be a path parameter, or "" when it can: a value that is
// empty, or that is or holds the dot segment "." or ".." once percent-decoded
// (as often as it decodes: "%2e%2e", "%252e", "a/../b"), would make the
// request's path another path (the list path, its parent) wherever a server
// or proxy decodes or normalises it. Checked whatever "validate" says.
std::string path_segment_problem(std::string_view text);

// Maps an HTTP status to a category for vendors whose errors are HTTP statuses.
Status status_for_http(long http_status);

// The error for a non-2xx answer of a vendor that signals errors by HTTP
// status: category from the status, raw body, Retry-After, retriable for 429/5xx.
Error http_error(const HttpResponse &resp, std::string message);

bool is_2xx(long http_status);
// The error for an answer that cannot be understood (raw body kept).
Error decode_failure(std::string message, const HttpResponse &resp);

// The error for a vendor reason code from op's table (or a Vendor error for
// an unknown code). Field errors use rule "vendor" and the code's meaning.
Error reason_error(const Operation &op, int code);

}  // namespace ak
