// The C ABI: opaque handles over the C++ core. Every entry point catches every
// exception and turns it into an ak_status (and an ak_error when asked).
#include "accountkit/accountkit.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>

#include "core/api.hpp"
#include "core/batch.hpp"
#include "core/client.hpp"
#include "core/pager.hpp"
#include "core/describe.hpp"
#include "core/formats.hpp"
#include "guard.hpp"
#include "handles.hpp"

namespace {

ak_status to_c(ak::Status s) { return static_cast<ak_status>(s); }


ak_status fail(ak_error **err, ak::Status s, std::string msg) { return akc::fail(err, ak::Error(s, std::move(msg)), new_error); }

template <class Fn>
ak_status guard(ak_error **err, Fn &&fn) {
  return akc::guard(err, new_error, std::forward<Fn>(fn));
}

using akc::dup_string;
using akc::need;

const char *str_or_empty(const ak_error *err, const std::string ak::Error::*member) {
  return err ? (err->e.*member).c_str() : "";
}

const ak::FieldError *field_at(const ak_error *err, size_t i) {
  return err && i < err->e.fields.size() ? &err->e.fields[i] : nullptr;
}

ak_status set_value(ak_fields *f, const char *path, ak_error **err, ak::Value v) {
  return guard(err, [&] {
    need(f, "fields");
    need(path, "path");
    ak::api::set_path(f->v, path, std::move(v));
  });
}

// Typed result read: AK_E_NOT_FOUND when the path holds nothing,
// AK_E_INVALID_ARGUMENT for a malformed path or a value that is not `want`
// (accepts says which values are).
template <class Accepts, class Read>
ak_status read_result(const ak_result *r, const char *path, ak_error **err, const char *want, Accepts accepts,
                      Read read) {
  return guard(err, [&] {
    need(r, "result");
    need(path, "path");
    const ak::Value *v = ak::get_path(r->r.data, path);
    if (!v) throw ak::Error(ak::Status::NotFound, "the result holds nothing at \"" + std::string(path) + "\"");
    if (!accepts(*v))
      throw ak::Error(ak::Status::InvalidArgument, "the result holds " + std::string(ak::kind_name(v->kind())) +
                                                       " at \"" + std::string(path) + "\", not " + want);
    read(*v);
  });
}

// Reads that have no status to report: a malformed path reads as absent.
const ak::Value *result_at(const ak_result *r, const char *path) {
  if (!r || !path) return nullptr;
  try {
    return ak::get_path(r->r.data, path);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

extern "C" {

const char *ak_version(void) { return AK_VERSION_STRING; }
int ak_version_number(void) { return AK_VERSION_MAJOR * 10000 + AK_VERSION_MINOR * 100 + AK_VERSION_PATCH; }

const char *ak_strerror(ak_status status) {
  if (!ak::status_name(static_cast<int>(status))) return "unknown status";
  return ak::status_message(static_cast<ak::Status>(status));
}

const char *ak_status_name(int status) { return ak::status_name(status); }

ak_status ak_status_parent(int status) {
  if (!ak::status_name(status)) return AK_OK;
  return to_c(ak::status_parent(static_cast<ak::Status>(status)));
}

// ---- errors -------------------------------------------------------------------

ak_error *ak_error_new(ak_status code, const char *message) {
  if (code == AK_OK || !ak::status_name(static_cast<int>(code))) return nullptr;
  try {
    return new ak_error{ak::Error(static_cast<ak::Status>(code), message ? message : "")};
  } catch (...) {
    return nullptr;
  }
}

void ak_error_free(ak_error *err) { delete err; }
ak_status ak_error_code(const ak_error *err) { return err ? to_c(err->e.status) : AK_OK; }
const char *ak_error_category(const ak_error *err) { return ak::status_name(err ? err->e.status : ak::Status::Ok); }
const char *ak_error_message(const ak_error *err) { return str_or_empty(err, &ak::Error::message); }
const char *ak_error_vendor(const ak_error *err) { return str_or_empty(err, &ak::Error::vendor); }
const char *ak_error_operation(const ak_error *err) { return str_or_empty(err, &ak::Error::operation); }
long ak_error_http_status(const ak_error *err) { return err ? err->e.http_status : 0; }
const char *ak_error_vendor_code(const ak_error *err) { return str_or_empty(err, &ak::Error::vendor_code); }
const char *ak_error_request_id(const ak_error *err) { return str_or_empty(err, &ak::Error::request_id); }
const char *ak_error_raw_body(const ak_error *err) { return str_or_empty(err, &ak::Error::raw_body); }
int ak_error_is_retriable(const ak_error *err) { return err && err->e.retriable ? 1 : 0; }
int ak_error_attempts(const ak_error *err) { return err ? err->e.attempts : 0; }
double ak_error_retry_after(const ak_error *err) { return err ? err->e.retry_after : -1; }
size_t ak_error_field_count(const ak_error *err) { return err ? err->e.fields.size() : 0; }
size_t ak_error_candidate_count(const ak_error *err) { return err ? err->e.candidates.size() : 0; }
const char *ak_error_candidate(const ak_error *err, size_t i) {
  return err && i < err->e.candidates.size() ? err->e.candidates[i].c_str() : nullptr;
}
const char *ak_error_field_path(const ak_error *err, size_t i) {
  const auto *f = field_at(err, i);
  return f ? f->path.c_str() : nullptr;
}
const char *ak_error_field_rule(const ak_error *err, size_t i) {
  const auto *f = field_at(err, i);
  return f ? f->rule.c_str() : nullptr;
}
const char *ak_error_field_message(const ak_error *err, size_t i) {
  const auto *f = field_at(err, i);
  return f ? f->message.c_str() : nullptr;
}

void ak_string_free(char *s) { std::free(s); }

// ---- fields -------------------------------------------------------------------

ak_status ak_fields_new(ak_fields **out, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = new ak_fields;
  });
}

ak_status ak_fields_from_json(ak_fields **out, const char *json, size_t len, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(json, "json");
    *out = new ak_fields{ak::api::fields_from_json(std::string_view(json, len))};
  });
}

void ak_fields_free(ak_fields *f) { delete f; }

ak_status ak_fields_set_string(ak_fields *f, const char *path, const char *value, ak_error **err) {
  if (!value) return fail(err, ak::Status::InvalidArgument, "value must not be NULL (use ak_fields_set_null)");
  if (ak::formats::utf8_length(value) < 0) return fail(err, ak::Status::InvalidArgument, "value is not valid UTF-8");
  return set_value(f, path, err, ak::Value(value));
}
ak_status ak_fields_set_int(ak_fields *f, const char *path, int64_t value, ak_error **err) {
  return set_value(f, path, err, ak::Value(static_cast<std::int64_t>(value)));
}
ak_status ak_fields_set_double(ak_fields *f, const char *path, double value, ak_error **err) {
  return set_value(f, path, err, ak::Value(value));
}
ak_status ak_fields_set_bool(ak_fields *f, const char *path, int value, ak_error **err) {
  return set_value(f, path, err, ak::Value(value != 0));
}
ak_status ak_fields_set_null(ak_fields *f, const char *path, ak_error **err) {
  return set_value(f, path, err, ak::Value());
}
ak_status ak_fields_set_json(ak_fields *f, const char *path, const char *json, size_t len, ak_error **err) {
  if (!json) return fail(err, ak::Status::InvalidArgument, "json must not be NULL");
  ak::Value v;
  ak_status s = guard(err, [&] { v = ak::api::value_from_json(std::string_view(json, len)); });
  return s == AK_OK ? set_value(f, path, err, std::move(v)) : s;
}
ak_status ak_fields_unset(ak_fields *f, const char *path, ak_error **err) {
  return guard(err, [&] {
    need(f, "fields");
    need(path, "path");
    ak::erase_path(f->v, path);
  });
}
ak_status ak_fields_set_id(ak_fields *f, const char *vendor, const char *operation, const char *id,
                           ak_error **err) {
  return guard(err, [&] {
    need(f, "fields");
    need(vendor, "vendor");
    need(operation, "operation");
    need(id, "id");
    const ak::Vendor &v = ak::api::vendor(vendor);
    ak::api::bind_id(v, ak::api::operation(v, operation), f->v, ak::Value(id));
  });
}

ak_status ak_fields_to_json(char **out, const ak_fields *f, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(f, "fields");
    *out = dup_string(ak::to_json(f->v));
  });
}

// ---- client -------------------------------------------------------------------

ak_status ak_client_new(ak_client **out, const char *vendor, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(vendor, "vendor");
    *out = new ak_client{std::make_shared<ak::Client>(ak::api::vendor(vendor))};
  });
}

void ak_client_free(ak_client *c) { delete c; }

const char *ak_client_vendor(const ak_client *c) { return c ? c->client->vendor().name.c_str() : ""; }

ak_status ak_client_set_option(ak_client *c, const char *name, const char *value, ak_error **err) {
  return guard(err, [&] {
    need(c, "client");
    need(name, "name");
    need(value, "value");
    c->client->set_option(name, value);
  });
}

ak_status ak_client_check_credentials(int *checked, ak_client *c, ak_error **err) {
  if (checked) *checked = 0;
  return guard(err, [&] {
    need(c, "client");
    bool ok = c->client->check_credentials();
    if (checked) *checked = ok ? 1 : 0;
  });
}

// ---- calls --------------------------------------------------------------------

ak_status ak_call(ak_result **out, ak_client *c, const char *operation, const ak_fields *fields, ak_error **err) {
  return ak_call_with(out, c, operation, fields, nullptr, err);
}

ak_status ak_wait(ak_result **out, ak_client *c, const char *id, double timeout_s, ak_error **err) {
  return ak_wait_with(out, c, nullptr, id, timeout_s, nullptr, err);
}

ak_status ak_wait_for(ak_result **out, ak_client *c, const char *after, const char *id, double timeout_s,
                      ak_error **err) {
  return ak_wait_with(out, c, after, id, timeout_s, nullptr, err);
}

ak_status ak_list(ak_pager **out, ak_client *c, const char *operation, const ak_fields *filters, ak_error **err) {
  return ak_list_with(out, c, operation, filters, nullptr, err);
}

ak_status ak_pager_next(ak_result **item, ak_pager *p, ak_error **err) {
  return guard(err, [&] {
    need(item, "item");
    *item = nullptr;
    need(p, "pager");
    std::optional<ak::Result> next = p->pager.next();
    if (!next) return;
    auto result = std::make_unique<ak_result>();
    result->r = std::move(*next);
    *item = result.release();
  });
}

void ak_pager_free(ak_pager *p) { delete p; }

ak_status ak_batch_new(ak_batch **out, ak_client *c, size_t max_in_flight, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(c, "client");
    *out = new ak_batch{ak::Batch(c->client, max_in_flight)};
  });
}

ak_status ak_batch_submit(ak_batch *b, const char *operation, const ak_fields *fields, uint64_t tag, ak_error **err) {
  return guard(err, [&] {
    need(b, "batch");
    need(operation, "operation");
    static const ak::Value empty = ak::Value::object();
    b->batch.submit(operation, fields ? fields->v : empty, tag);
  });
}

ak_status ak_batch_submit_wait(ak_batch *b, const char *after, const char *id, double timeout_s, uint64_t tag,
                               ak_error **err) {
  return guard(err, [&] {
    need(b, "batch");
    need(id, "id");
    b->batch.submit_wait(id, after ? after : "", timeout_s, tag);
  });
}

size_t ak_batch_pending(const ak_batch *b) { return b ? b->batch.pending() : 0; }

ak_status ak_batch_next(uint64_t *tag, ak_result **result, ak_error **failure, ak_batch *b, int timeout_ms,
                        ak_error **err) {
  if (result) *result = nullptr;
  if (failure) *failure = nullptr;
  return guard(err, [&] {
    need(tag, "tag");
    need(result, "result");
    need(failure, "failure");
    need(b, "batch");
    auto c = b->batch.next(std::chrono::milliseconds(timeout_ms));
    if (!c) return;
    auto r = c->result ? std::make_unique<ak_result>() : nullptr;
    auto e = c->error ? std::make_unique<ak_error>(ak_error{std::move(*c->error)}) : nullptr;
    if (r) r->r = std::move(*c->result);
    *tag = c->tag;
    *result = r.release();
    *failure = e.release();
  });
}

void ak_batch_wakeup(ak_batch *b) {
  if (b) b->batch.wakeup();
}

void ak_batch_free(ak_batch *b) { delete b; }

ak_status ak_validate(const char *vendor, const char *operation, const ak_fields *fields, ak_error **err) {
  return guard(err, [&] {
    need(vendor, "vendor");
    need(operation, "operation");
    const ak::Vendor &v = ak::api::vendor(vendor);
    static const ak::Value empty = ak::Value::object();
    ak::api::validate(v, ak::api::operation(v, operation), fields ? fields->v : empty);
  });
}

ak_status ak_client_set_log_callback(ak_client *c, ak_log_level min_level, ak_log_fn fn, void *user_data,
                                     ak_error **err) {
  return guard(err, [&] {
    need(c, "client");
    if (!fn) {
      c->client->set_logger(nullptr, ak::LogLevel::Error);
      return;
    }
    c->client->set_logger(
        [fn, user_data](ak::LogLevel level, const std::string &message) {
          fn(user_data, static_cast<ak_log_level>(level), message.c_str());
        },
        static_cast<ak::LogLevel>(min_level));
  });
}

// ---- results ------------------------------------------------------------------

void ak_result_free(ak_result *r) { delete r; }
const char *ak_result_json(const ak_result *r) {
  if (!r) return "";
  try {
    if (!r->json) r->json = ak::to_json(r->r.data);
  } catch (...) {
    return "";  // out of memory
  }
  return r->json->c_str();
}
const char *ak_result_id(const ak_result *r) { return r ? r->r.id.c_str() : ""; }
const char *ak_result_status(const ak_result *r) { return r ? r->r.status.c_str() : ""; }
int ak_result_is_recovered(const ak_result *r) { return r && r->r.recovered ? 1 : 0; }
const char *ak_result_unavailable(const ak_result *r, size_t i) {
  return r && i < r->r.unavailable.size() ? r->r.unavailable[i].c_str() : nullptr;
}

ak_status ak_result_get_string(const char **out, const ak_result *r, const char *path, ak_error **err) {
  if (out) *out = nullptr;
  return read_result(r, path, err, "a string", [](const ak::Value &v) { return v.is_string(); },
                     [&](const ak::Value &v) {
                       need(out, "out");
                       *out = v.as_string().c_str();
                     });
}
ak_status ak_result_get_int(int64_t *out, const ak_result *r, const char *path, ak_error **err) {
  return read_result(r, path, err, "an integer", [](const ak::Value &v) { return v.is_int(); },
                     [&](const ak::Value &v) {
                       need(out, "out");
                       *out = v.as_int();
                     });
}
ak_status ak_result_get_double(double *out, const ak_result *r, const char *path, ak_error **err) {
  return read_result(r, path, err, "a number", [](const ak::Value &v) { return v.is_number(); },
                     [&](const ak::Value &v) {
                       need(out, "out");
                       *out = v.as_double();
                     });
}
ak_status ak_result_get_bool(int *out, const ak_result *r, const char *path, ak_error **err) {
  return read_result(r, path, err, "a boolean", [](const ak::Value &v) { return v.is_bool(); },
                     [&](const ak::Value &v) {
                       need(out, "out");
                       *out = v.as_bool() ? 1 : 0;
                     });
}
ak_status ak_result_get_json(char **out, const ak_result *r, const char *path, ak_error **err) {
  if (out) *out = nullptr;
  return read_result(r, path, err, "a value", [](const ak::Value &) { return true; }, [&](const ak::Value &v) {
    need(out, "out");
    *out = dup_string(ak::to_json(v));
  });
}
int ak_result_is_null(const ak_result *r, const char *path) {
  const ak::Value *v = result_at(r, path);
  return v && v->is_null() ? 1 : 0;
}
size_t ak_result_size(const ak_result *r, const char *path) {
  const ak::Value *v = result_at(r, path);
  if (v && v->is_array()) return v->as_array().size();
  if (v && v->is_object()) return v->as_object().size();
  return 0;
}

// ---- vendors ------------------------------------------------------------------

size_t ak_vendor_count(void) { return ak::vendors().size(); }
const char *ak_vendor_name(size_t i) { return i < ak::vendors().size() ? ak::vendors()[i]->name.c_str() : nullptr; }

ak_status ak_vendors_json(char **out, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = dup_string(ak::to_json(ak::describe_vendors()));
  });
}

}  // extern "C"
