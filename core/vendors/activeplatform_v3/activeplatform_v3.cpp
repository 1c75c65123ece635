// ActivePlatform API v3, the reseller methods under /api/v3/resellers/
// (docs/vendors/activeplatform-v3.md). A JSON:API dialect: the fields travel
// as {"data": {"attributes": {...}}} with the media type
// application/vnd.api+json, answers are {"data": {"id", "type",
// "attributes"}}, errors {"errors": [{"status", "title", "detail", "source"}]}.
// The manager's token is the X-Api-Token header; the client's reseller_id
// option fills every path. Fields keep v1's names and rules where they agree.
#include "core/vendors/activeplatform_v3/activeplatform_v3.hpp"

#include <charconv>

#include "core/auth.hpp"
#include "core/formats.hpp"
#include "core/vendors/activeplatform/shared.hpp"

namespace ak {

namespace {

namespace shared = activeplatform_shared;

constexpr const char *kAccounts = "/api/v3/resellers/{reseller_id}/accounts";
constexpr const char *kAccount = "/api/v3/resellers/{reseller_id}/accounts/{account_id}";
constexpr const char *kMediaType = "application/vnd.api+json";

// [doc] the manager's API token as the X-Api-Token header. A static token:
// never refreshed, so a 401 is final.
class HeaderTokenAuth final : public Authenticator {
 public:
  HeaderTokenAuth(std::string header, std::string token) : header_(std::move(header)), token_(std::move(token)) {}
  Step authorize(HttpRequest &req, std::uint64_t) override {
    req.headers.emplace_back(header_, token_);
    return {};
  }
  bool invalidate(const HttpRequest &) override { return false; }
  std::vector<std::string> secrets() const override { return {token_}; }

 private:
  std::string header_, token_;
};

// A v3 operation on the reseller's accounts: JSON:API in both directions.
Operation v3(const char *name, OpKind kind, Method method, const char *path) {
  Operation op = operation(name, kind, method, path);
  op.media_type = kMediaType;
  if (method != Method::Get) op.body_under = "data.attributes";
  op.result_id = "id";
  op.result_status = "status";
  return op;
}

// v1's contact fields, all optional, then those named required made so.
std::vector<Field> contact(std::initializer_list<const char *> required) {
  std::vector<Field> fields = shared::contact(false);
  for (auto &f : fields)
    for (const char *r : required)
      if (f.name == r) f.required = true;
  return fields;
}

void add(std::vector<Field> &to, std::vector<Field> more) {
  for (auto &f : more) to.push_back(std::move(f));
}

Operation create_account() {
  Operation op = v3("create_account", OpKind::Create, Method::Post, kAccounts);
  // [doc, 3] account_type_id, first_name, last_name and email are required;
  // [ours] the address and phone (cut off in the docs, named as in the get
  // answer) are accepted, optional, with v1's formats.
  std::vector<Field> fields = {Field::integer("account_type_id").gt0().req()};
  add(fields, contact({"first_name", "last_name", "email"}));
  fields.push_back(Field::integer("owner_id").gt0().describe("an existing user who becomes the owner"));
  op.request = Field::object("", std::move(fields));
  return op;
}

Operation get_account() {
  Operation op = v3("get_account", OpKind::Read, Method::Get, kAccount);
  op.id_field = "account_id";
  op.request = Field::object("", {shared::account_id()});
  return op;
}

// [doc, 5] filter[created_at]: a date (YYYY-MM-DD) or a date-time (RFC 3339),
// or a period as {"gt": ..., "lt": ...} (filter[created_at][gt]=...). Either
// shape, so the value is not typed here: the vendor judges it.
Field period(const char *name) {
  return Field::any(name).describe("a date or RFC 3339 date-time, or a period {\"gt\": ..., \"lt\": ...}");
}

Operation list_accounts() {
  Operation op = v3("list_accounts", OpKind::List, Method::Get, kAccounts);
  op.list_key = "accounts";  // decode() flattens the "data" array here
  // [ours] no total is documented: a page shorter than page[size] is the last.
  op.paging = {"page[number]", "page[size]", 1, 50, ""};
  op.request = Field::object("", {
      Field::integer("page[number]").gt0().describe("1 is the first page"),
      Field::integer("page[size]").gt0().describe("50 when left out"),
      Field::object("filter", {
          Field::string("email").describe("an account's email, or several separated by commas"),
          Field::string("user_email").describe("the email of one of the account's users"),
          Field::string("inn").describe("taxpayer number"),
          period("created_at"),
          period("updated_at"),
      }).describe("sent as filter[email]=..., filter[created_at][gt]=..."),
  });
  return op;
}

Operation update_account() {
  Operation op = v3("update_account", OpKind::Update, Method::Patch, kAccount);
  op.id_field = "account_id";
  // [doc, 6] account_type_id is required even here; the class is named by
  // its key. [ours] the address and phone as on create.
  std::vector<Field> fields = {shared::account_id(), Field::integer("account_type_id").gt0().req()};
  add(fields, contact({}));
  add(fields, {
      Field::integer("manager_id").gt0().describe("an active manager with the Sales person role"),
      Field::string("account_class_key").describe("the account class, by its key"),
      Field::integer("tech_user_id").gt0(),
  });
  op.request = Field::object("", std::move(fields));
  return op;
}

// "/data/attributes/custom/0/key" as the field path "custom[0].key"; "" for
// a pointer outside the attributes.
std::string field_of(const std::string &pointer) {
  constexpr std::string_view kPrefix = "/data/attributes/";
  if (!pointer.starts_with(kPrefix) || pointer.size() == kPrefix.size()) return {};
  std::string out;
  size_t i = kPrefix.size();
  while (i <= pointer.size()) {
    size_t slash = pointer.find('/', i);
    if (slash == std::string::npos) slash = pointer.size();
    std::string seg = pointer.substr(i, slash - i);
    i = slash + 1;
    if (seg.empty()) continue;
    // RFC 6901 escapes.
    for (size_t p; (p = seg.find("~1")) != std::string::npos;) seg.replace(p, 2, "/");
    for (size_t p; (p = seg.find("~0")) != std::string::npos;) seg.replace(p, 2, "~");
    bool index = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos && !out.empty();
    out += index ? "[" + seg + "]" : (out.empty() ? seg : "." + seg);
  }
  return out;
}

// A query parameter ("page[size]", "filter[email]") as the field it came
// from: a field of that name, else its brackets as dots ("filter.email").
std::string field_of_parameter(const Operation &op, const std::string &param) {
  if (op.request.member(param)) return param;
  std::string out;
  for (char c : param) {
    if (c == '[') out += '.';
    else if (c != ']') out += c;
  }
  return out;
}

std::string text_of(const Value &obj, const char *key) {
  const Value *v = obj.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

// The JSON:API errors of a failed answer: one field error per error whose
// source names an attribute or parameter, its detail (else title) the
// message. Unknown shapes give an empty message (the raw body is kept).
std::string read_failure(const Operation &op, const std::string &body, std::vector<FieldError> &fields) {
  Value v;
  try {
    v = parse_json(body);
  } catch (const JsonError &) {
    return shared::plain_message(body);
  }
  const Value *errors = v.is_object() ? v.find("errors") : nullptr;
  if (!errors || !errors->is_array()) {
    if (v.is_object()) return text_of(v, "error");  // not JSON:API, but plain enough
    return {};
  }
  std::vector<std::string> parts;
  for (const auto &e : errors->as_array()) {
    if (!e.is_object()) continue;
    std::string said = text_of(e, "detail");
    if (said.empty()) said = text_of(e, "title");
    std::string field;
    if (const Value *src = e.find("source"); src && src->is_object()) {
      field = field_of(text_of(*src, "pointer"));
      if (std::string param = text_of(*src, "parameter"); field.empty() && !param.empty())
        field = field_of_parameter(op, param);
    }
    if (field.empty()) {
      if (!said.empty()) parts.push_back(said);
      continue;
    }
    // A field error always says something, even when the vendor's text is empty.
    if (said.empty()) said = "was rejected by the vendor";
    fields.push_back({field, "vendor", said});
    parts.push_back(field + " " + said);
  }
  return shared::rejected_summary(fields, parts);
}

// {"id": "505", "type": "accounts", "attributes": {...}} as one flat object:
// the id (an integer when it is digits) and the attributes.
Value flatten(const Value &resource, const HttpResponse &resp) {
  if (!resource.is_object()) throw decode_failure("a resource in the response is not a JSON object", resp);
  Value out = Value::object();
  if (const Value *id = resource.find("id")) {
    std::int64_t n = 0;
    const std::string *s = id->is_string() ? &id->as_string() : nullptr;
    auto [end, ec] = s ? std::from_chars(s->data(), s->data() + s->size(), n) : std::from_chars_result{};
    bool digits = s && !s->empty() && (*s)[0] != '-' && ec == std::errc() && end == s->data() + s->size();
    out.set("id", digits ? Value(n) : *id);
  }
  if (const Value *attrs = resource.find("attributes"); attrs && attrs->is_object())
    for (const auto &[k, val] : attrs->as_object())
      if (k != "id") out.set(k, val);
  return out;
}

class ActivePlatformV3 final : public Vendor {
 public:
  ActivePlatformV3() {
    name = "activeplatform-v3";
    display_name = "ActivePlatform API v3";
    credential_options = {"api_token", "reseller_id"};
    secret_options = {"api_token"};
    path_options = {"reseller_id"};
    operations = {create_account(), get_account(), list_accounts(), update_account()};
    account_view = shared::account_view();
  }

  std::unique_ptr<Authenticator> authenticator(const Options &opts) const override {
    std::string token = require_option(opts, "api_token", name);
    // Every path names the reseller: a client without one could send nothing.
    const std::string &reseller = require_option(opts, "reseller_id", name);
    if (std::string why = path_segment_problem(reseller); !why.empty())
      throw Error(Status::InvalidArgument, name + ": option \"reseller_id\" " + why);
    return std::make_unique<HeaderTokenAuth>("X-Api-Token", std::move(token));
  }

  Value decode(const Operation &op, const HttpResponse &resp) const override {
    if (!is_2xx(resp.status)) {
      std::vector<FieldError> fields;
      std::string said = read_failure(op, resp.body, fields);
      throw shared::failure(resp, said, std::move(fields));
    }
    if (resp.body.empty() && op.list_key.empty()) return Value::object();  // e.g. 204
    Value body;
    try {
      body = parse_json_in_place(resp.body);
    } catch (const JsonError &) {
      throw decode_failure("the response is not valid JSON", resp);
    }
    const Value *data = body.is_object() ? body.find("data") : nullptr;
    if (!data) throw decode_failure("the response is not a JSON:API document with \"data\"", resp);
    if (op.list_key.empty()) return flatten(*data, resp);
    if (!data->is_array()) throw decode_failure("the response's \"data\" is not an array of accounts", resp);
    Array items;
    for (const auto &r : data->as_array()) items.push_back(flatten(r, resp));
    Value out(Object{{op.list_key, Value(std::move(items))}});
    // Paging details the docs do not show yet are kept as sent.
    for (const char *k : {"meta", "links"})
      if (const Value *v = body.find(k)) out.set(k, *v);
    return out;
  }
};

}  // namespace

const Vendor &activeplatform_v3() {
  static const ActivePlatformV3 v;
  return v;
}

}  // namespace ak
