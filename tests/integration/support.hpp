// Helpers shared by the integration tests. They use only the public C API:
// RAII owners for the handles, one-line calls that return either the result
// JSON or a copy of the error, and a minimal reader for the sandbox journal.
#pragma once

#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace akt {

// ---- owning handles ------------------------------------------------------------

struct SandboxFree {
  void operator()(ak_sandbox *p) const { ak_sandbox_free(p); }
};
struct ClientFree {
  void operator()(ak_client *p) const { ak_client_free(p); }
};
struct FieldsFree {
  void operator()(ak_fields *p) const { ak_fields_free(p); }
};
struct ResultFree {
  void operator()(ak_result *p) const { ak_result_free(p); }
};
struct ErrorFree {
  void operator()(ak_error *p) const { ak_error_free(p); }
};
struct StringFree {
  void operator()(char *p) const { ak_string_free(p); }
};
using SandboxPtr = std::unique_ptr<ak_sandbox, SandboxFree>;
using ClientPtr = std::unique_ptr<ak_client, ClientFree>;
using FieldsPtr = std::unique_ptr<ak_fields, FieldsFree>;
using ResultPtr = std::unique_ptr<ak_result, ResultFree>;
using ErrorPtr = std::unique_ptr<ak_error, ErrorFree>;
using StringPtr = std::unique_ptr<char, StringFree>;

// ---- errors, copied out of an ak_error -----------------------------------------

inline bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

struct FieldProblem {
  std::string path, rule, message;
};

struct ErrorInfo {
  ak_status code = AK_OK;
  std::string category, message, vendor, operation, vendor_code, raw_body;
  long http_status = 0;
  int attempts = 0;
  bool retriable = false;
  std::vector<FieldProblem> fields;
  std::vector<std::string> candidates;

  bool has_field(const std::string &path, const std::string &rule) const {
    for (const auto &f : fields)
      if (f.path == path && f.rule == rule) return true;
    return false;
  }
  // Everything printable at once, for "no secret anywhere" checks and failure output.
  std::string all_text() const {
    std::string s = category + " | " + message + " | " + vendor_code + " | " + raw_body;
    for (const auto &f : fields) s += " | " + f.path + " " + f.rule + " " + f.message;
    return s;
  }
};

inline ErrorInfo copy_error(ak_status code, ak_error *raw) {
  ErrorPtr err(raw);
  ErrorInfo info;
  info.code = code;
  if (!err) return info;
  info.category = ak_error_category(err.get());
  info.message = ak_error_message(err.get());
  info.vendor = ak_error_vendor(err.get());
  info.operation = ak_error_operation(err.get());
  info.vendor_code = ak_error_vendor_code(err.get());
  info.raw_body = ak_error_raw_body(err.get());
  info.http_status = ak_error_http_status(err.get());
  info.attempts = ak_error_attempts(err.get());
  info.retriable = ak_error_is_retriable(err.get()) != 0;
  for (size_t i = 0; i < ak_error_field_count(err.get()); ++i)
    info.fields.push_back({ak_error_field_path(err.get(), i), ak_error_field_rule(err.get(), i),
                           ak_error_field_message(err.get(), i)});
  for (size_t i = 0; i < ak_error_candidate_count(err.get()); ++i)
    info.candidates.push_back(ak_error_candidate(err.get(), i));
  return info;
}

// ---- fields --------------------------------------------------------------------

// Overrides applied on top of a JSON object: path -> JSON text, or nullopt to
// remove the field (make it absent).
using Overrides = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Builds fields from JSON text plus overrides; aborts the test on malformed input
// (a bug in the test, not in the library).
inline FieldsPtr make_fields(const std::string &json, const Overrides &overrides = {}) {
  ak_fields *raw = nullptr;
  ak_error *err = nullptr;
  if (ak_fields_from_json(&raw, json.data(), json.size(), &err) != AK_OK) {
    ErrorInfo e = copy_error(AK_E_INVALID_ARGUMENT, err);
    std::fprintf(stderr, "bad test fields %s: %s\n", json.c_str(), e.message.c_str());
    std::abort();
  }
  FieldsPtr f(raw);
  for (const auto &[path, value] : overrides) {
    ak_status s = value ? ak_fields_set_json(f.get(), path.c_str(), value->data(), value->size(), &err)
                        : ak_fields_unset(f.get(), path.c_str(), &err);
    if (s != AK_OK) {
      ErrorInfo e = copy_error(s, err);
      std::fprintf(stderr, "bad test override %s: %s\n", path.c_str(), e.message.c_str());
      std::abort();
    }
  }
  return f;
}

// ---- calls ---------------------------------------------------------------------

// The outcome of one ak_call: the result (on success) or the error.
struct Outcome {
  ak_status status = AK_OK;
  ResultPtr result;
  std::string json;  // ak_result_json on success
  ErrorInfo error;   // on failure

  bool ok() const { return status == AK_OK; }
  std::string id() const { return result ? ak_result_id(result.get()) : ""; }
  std::string account_status() const { return result ? ak_result_status(result.get()) : ""; }
  std::optional<int64_t> get_int(const char *path) const {
    int64_t v = 0;
    if (!result || ak_result_get_int(&v, result.get(), path, nullptr) != AK_OK) return std::nullopt;
    return v;
  }
  std::optional<std::string> get_string(const char *path) const {
    const char *v = nullptr;
    if (!result || ak_result_get_string(&v, result.get(), path, nullptr) != AK_OK) return std::nullopt;
    return std::string(v);
  }
  size_t size(const char *path) const { return result ? ak_result_size(result.get(), path) : 0; }
  // Printable, for assertion messages.
  std::string describe() const {
    return ok() ? "OK " + json : "error " + std::to_string(status) + " " + error.all_text();
  }
};

inline Outcome call(ak_client *c, const char *op, const ak_fields *fields) {
  Outcome o;
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  o.status = ak_call(&r, c, op, fields, &err);
  o.result.reset(r);
  if (o.ok()) o.json = ak_result_json(r);
  else o.error = copy_error(o.status, err);
  return o;
}

inline Outcome call(ak_client *c, const char *op, const std::string &json, const Overrides &overrides = {}) {
  FieldsPtr f = make_fields(json, overrides);
  return call(c, op, f.get());
}

// Sets a client option; returns the error (code AK_OK on success).
inline ErrorInfo set_option(ak_client *c, const char *name, const char *value) {
  ak_error *err = nullptr;
  ak_status s = ak_client_set_option(c, name, value, &err);
  return copy_error(s, err);
}

// A client of vendor with options set in order; aborts on failure.
inline ClientPtr new_client(const std::vector<std::pair<std::string, std::string>> &options = {},
                            const char *vendor = "99digital") {
  ak_client *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_client_new(&raw, vendor, &err);
  if (s != AK_OK) {
    std::fprintf(stderr, "ak_client_new: %s\n", copy_error(s, err).message.c_str());
    std::abort();
  }
  ClientPtr c(raw);
  for (const auto &[name, value] : options) {
    ErrorInfo e = set_option(c.get(), name.c_str(), value.c_str());
    if (e.code != AK_OK) {
      std::fprintf(stderr, "option %s: %s\n", name.c_str(), e.message.c_str());
      std::abort();
    }
  }
  return c;
}

// ---- journal -------------------------------------------------------------------

// Splits a JSON array of objects into the text of each object (top level only).
inline std::vector<std::string> split_entries(const std::string &array) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < array.size(); ++i) {
    char c = array[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (depth == 1 && c == '{') start = i;
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 1 && c == '}') out.push_back(array.substr(start, i - start + 1));
    }
  }
  return out;
}

// One journal entry. Entries are written with the keys vendor, method, path,
// query, headers, body, status in that order, so the first "path" and the last
// "status" are the entry's own.
struct Entry {
  std::string text;

  // The string value of the first "key":"..." in the entry ("" if none).
  std::string str(const std::string &key) const {
    std::string needle = "\"" + key + "\":\"";
    size_t p = text.find(needle);
    if (p == std::string::npos) return "";
    std::string out;
    for (size_t i = p + needle.size(); i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      out.push_back(text[i]);
    }
    return out;
  }
  std::string method() const { return str("method"); }
  std::string path() const { return str("path"); }
  std::string vendor() const { return str("vendor"); }
  int status() const {
    size_t p = text.rfind("\"status\":");
    return p == std::string::npos ? -1 : std::atoi(text.c_str() + p + 9);
  }
  // The raw JSON text of a top-level member whose value is an object or null
  // ("query", "headers", "body").
  std::string member(const std::string &key) const {
    std::string needle = "\"" + key + "\":";
    size_t p = text.find(needle);
    if (p == std::string::npos) return "";
    p += needle.size();
    if (text.compare(p, 4, "null") == 0) return "null";
    if (text[p] == '"') return "\"" + str(key) + "\"";
    std::vector<std::string> inner = split_entries("[" + text.substr(p) + "]");
    return inner.empty() ? "" : inner.front();
  }
  bool contains(const std::string &s) const { return text.find(s) != std::string::npos; }
};

inline constexpr const char *kTokenPath = "/api/settings/accessToken";
inline constexpr const char *kCreatePath = "/api/online/createAccount";
inline constexpr const char *kUpdatePath = "/api/online/updateAccount";
inline constexpr const char *kListPath = "/api/online/getAccounts";
inline constexpr const char *kDeletePath = "/api/online/deleteAccount";

// ---- the sandbox ---------------------------------------------------------------

// Sandbox options (name -> value), applied in order.
using Knobs = std::vector<std::pair<std::string, std::string>>;

// A started sandbox on a free port, with its options applied before start.
class Sandbox {
 public:
  explicit Sandbox(const Knobs &options = {}, bool start = true) {
    ak_sandbox *raw = nullptr;
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_new(&raw, &err);
    if (s != AK_OK) fatal("ak_sandbox_new", s, err);
    sb_.reset(raw);
    for (const auto &[name, value] : options) {
      s = ak_sandbox_set_option(raw, name.c_str(), value.c_str(), &err);
      if (s != AK_OK) fatal(name.c_str(), s, err);
    }
    if (start) this->start();
  }

  void start() {
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_start(sb_.get(), 0, &err);
    if (s != AK_OK) fatal("ak_sandbox_start", s, err);
  }

  ak_sandbox *get() const { return sb_.get(); }
  int port() const { return ak_sandbox_port(sb_.get()); }
  std::string url(const char *vendor = "99digital") const {
    const char *u = ak_sandbox_vendor_url(sb_.get(), vendor);
    return u ? u : "";
  }

  // A client configured for this sandbox (base_url + credentials), then extra options.
  ClientPtr client(const std::vector<std::pair<std::string, std::string>> &extra = {},
                   const char *vendor = "99digital") const {
    ClientPtr c = new_client({}, vendor);
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_configure_client(sb_.get(), c.get(), &err);
    if (s != AK_OK) fatal("ak_sandbox_configure_client", s, err);
    for (const auto &[name, value] : extra) {
      ErrorInfo e = set_option(c.get(), name.c_str(), value.c_str());
      if (e.code != AK_OK) {
        std::fprintf(stderr, "option %s: %s\n", name.c_str(), e.message.c_str());
        std::abort();
      }
    }
    return c;
  }

  std::string journal_json() const {
    char *raw = nullptr;
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_journal_json(&raw, sb_.get(), &err);
    if (s != AK_OK) fatal("ak_sandbox_journal_json", s, err);
    StringPtr owned(raw);
    return raw;
  }
  std::vector<Entry> journal() const {
    std::vector<Entry> out;
    for (auto &t : split_entries(journal_json())) out.push_back(Entry{std::move(t)});
    return out;
  }
  // The journal's paths in order, e.g. {"/api/settings/accessToken", "/api/online/getAccounts"}.
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto &e : journal()) out.push_back(e.path());
    return out;
  }
  size_t count(const std::string &path) const {
    size_t n = 0;
    for (const auto &e : journal()) n += e.path() == path ? 1 : 0;
    return n;
  }
  void clear_journal() const { ak_sandbox_journal_clear(sb_.get()); }
  void expire_tokens() const { ak_sandbox_expire_tokens(sb_.get()); }

 private:
  [[noreturn]] static void fatal(const char *what, ak_status s, ak_error *err) {
    std::fprintf(stderr, "%s failed: %s\n", what, copy_error(s, err).message.c_str());
    std::abort();
  }

  SandboxPtr sb_;
};

// ---- 99digital request bodies --------------------------------------------------

// A create_account request that passes every rule (server left to the default).
inline std::string create_json(const std::string &name = "Acme Inc",
                               const std::string &email = "owner@acme.example",
                               const std::string &reference = "crm4711") {
  return "{\"account_name\":\"" + name + "\",\"agents\":10,\"inboxes\":5,\"admin_email\":\"" + email +
         "\",\"admin_name\":\"Ada Owner\",\"admin_displayName\":\"Ada\",\"admin_password\":\"Str0ng!pass\","
         "\"reference\":\"" + reference + "\"}";
}

inline std::string update_json(int64_t id, const std::string &server, const std::string &rest = "") {
  return "{\"account_id\":" + std::to_string(id) + ",\"server\":\"" + server + "\"" +
         (rest.empty() ? "" : "," + rest) + "}";
}

inline std::string delete_json(int64_t id, const std::string &server) {
  return "{\"accountID\":" + std::to_string(id) + ",\"server\":\"" + server + "\"}";
}

// How many accounts a 99digital client's vendor holds (list_accounts'
// totalOnline); -1 when listing failed (with the outcome printed).
inline int64_t digital99_accounts(ak_client *c) {
  Outcome o = call(c, "list_accounts", "{}");
  if (!o.ok()) {
    std::fprintf(stderr, "list_accounts failed: %s\n", o.describe().c_str());
    return -1;
  }
  return o.get_int("totalOnline").value_or(-1);
}

// Creates an account and returns its id (0 on failure, with the outcome printed).
inline int64_t create_account(ak_client *c, const std::string &json, const Overrides &overrides = {}) {
  Outcome o = call(c, "create_account", json, overrides);
  if (!o.ok()) {
    std::fprintf(stderr, "create_account failed: %s\n", o.describe().c_str());
    return 0;
  }
  return o.get_int("account_id").value_or(0);
}

}  // namespace akt
