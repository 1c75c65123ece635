// Field paths, request paths, query strings and URL helpers.
//
// Input: the first line is a field path ("contacts[0].email"); the rest is a
// payload, read as JSON when it parses (else used as a string). The whole
// input is also fed to url_encode and url_origin.
//
// Properties:
// - parse_path either throws std::invalid_argument or gives non-empty segments
//   (keys without '.' or '[', indexes 0..100000) that read back the same when
//   written out again;
// - put_path then get_path find the value put there; erase_path removes it;
//   the same through ak_fields_set_json / ak_fields_set_string / ak_fields_unset;
// - expand_path, for every path parameter of every operation and a fuzzed
//   value (string, payload JSON, duplicated key; the other parameters "7"),
//   keeps the template's text and
//   writes the value only as unreserved characters and %XX that decode back to
//   it: no raw '/', '?', '#', '%', space, CR, LF or NUL can come from the value;
//   the parameter leaves the body; a missing, null, empty or dot-segment one
//   ("..", "%2e", "a/../b": path_segment_problem) is a Validation error;
// - url_encode writes only unreserved characters and %XX, and decodes back;
// - encode_query writes k=v pairs joined by '&', each side unreserved or %XX
//   (so no raw CR, LF, NUL or space);
// - url_origin is a lower-case prefix of its input's scheme://authority, and
//   two URLs (first line, rest) it gives the same origin have the same scheme,
//   host and port for libcurl too (the redirect check relies on it);
// - scrub_text leaves no occurrence of a secret (without '*', of at least
//   kMinSearchedSecret bytes, no part of a secret key's name), raw or encoded.
#include <accountkit/accountkit.h>
#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/api.hpp"
#include "core/client.hpp"
#include "core/redact.hpp"
#include "core/request.hpp"
#include "core/vendor.hpp"
#include "fuzz_check.hpp"

using akfuzz::check;
using ak::Value;

namespace {

std::string write_path(const std::vector<ak::PathSegment> &segs) {
  std::string out;
  for (const auto &s : segs) {
    if (s.index >= 0) {
      out += "[" + std::to_string(s.index) + "]";
    } else {
      if (!out.empty()) out += ".";
      out += s.key;
    }
  }
  return out;
}

// Returns whether path parsed.
bool check_parse_path(std::string_view path) {
  std::vector<ak::PathSegment> segs;
  try {
    segs = ak::parse_path(path);
  } catch (const std::invalid_argument &e) {
    check(*e.what() != '\0', "parse_path threw without a message");
    return false;
  }
  check(!segs.empty(), "parse_path gave no segment", path);
  for (const auto &s : segs) {
    if (s.index >= 0) {
      check(s.index <= 100000 && s.key.empty(), "parse_path gave an index out of range", path);
    } else {
      check(s.index == -1, "parse_path gave a negative index", path);
      check(!s.key.empty(), "parse_path gave an empty key", path);
      check(s.key.find_first_of(".[") == std::string::npos, "parse_path kept a separator in a key", path);
    }
  }
  std::string again = write_path(segs);
  auto reparsed = ak::parse_path(again);
  check(reparsed.size() == segs.size(), "a written path reads back differently", again);
  for (size_t i = 0; i < segs.size(); ++i)
    check(reparsed[i].key == segs[i].key && reparsed[i].index == segs[i].index,
          "a written path reads back differently", again);
  return true;
}

void check_tree_paths(std::string_view path, Value root) {
  const Value marker("\x01 fuzz marker \x02");
  try {
    ak::put_path(root, path) = marker;
  } catch (const std::invalid_argument &) {
    return;  // the path crosses a value of another kind
  }
  const Value *got = ak::get_path(root, path);
  check(got && *got == marker, "get_path does not find what put_path put", path);
  check(ak::erase_path(root, path), "erase_path does not find what put_path put", path);
  auto segs = ak::parse_path(path);
  if (segs.back().index < 0) check(ak::get_path(root, path) == nullptr, "erase_path left the key", path);
}

// The same through the C API (paths are C strings there: cut at the first NUL).
void check_c_fields(const std::string &path, const std::string &payload) {
  ak_fields *f = nullptr;
  check(ak_fields_new(&f, nullptr) == AK_OK, "ak_fields_new failed");
  ak_error *err = nullptr;
  ak_status s = ak_fields_set_json(f, path.c_str(), payload.data(), payload.size(), &err);
  check(s == AK_OK || s == AK_E_INVALID_ARGUMENT, "ak_fields_set_json failed with an unexpected status",
        err ? ak_error_message(err) : "");
  ak_error_free(err);
  err = nullptr;
  s = ak_fields_set_string(f, path.c_str(), payload.c_str(), &err);
  check(s == AK_OK || s == AK_E_INVALID_ARGUMENT, "ak_fields_set_string failed with an unexpected status",
        err ? ak_error_message(err) : "");
  bool was_set = s == AK_OK;
  ak_error_free(err);
  err = nullptr;
  char *json = nullptr;
  check(ak_fields_to_json(&json, f, nullptr) == AK_OK, "ak_fields_to_json failed");
  Value back;
  try {
    back = ak::parse_json(json);
  } catch (const ak::JsonError &e) {
    akfuzz::fail("ak_fields_to_json wrote JSON that does not parse", json);
  }
  if (was_set) {
    const Value *v = ak::get_path(back, path.c_str());
    check(v && v->is_string() && v->as_string() == std::string(payload.c_str()),
          "a string set by path does not read back", path);
  }
  ak_string_free(json);
  s = ak_fields_unset(f, path.c_str(), &err);
  check(s == AK_OK || s == AK_E_INVALID_ARGUMENT, "ak_fields_unset failed with an unexpected status",
        err ? ak_error_message(err) : "");
  ak_error_free(err);
  ak_fields_free(f);
}

// The template with every placeholder but name's filled with "7", the value
// check_expand gives those (a path may have several: ActivePlatform v3's
// reseller and account).
std::string with_others(const ak::Operation &op, const std::string &name) {
  std::string out = op.path;
  for (const std::string &other : ak::path_params(op)) {
    if (other == name) continue;
    size_t at = out.find("{" + other + "}");
    out.replace(at, other.size() + 2, "7");
  }
  return out;
}

void check_expand(const ak::Operation &op, const std::string &name, const Value &value, bool duplicate) {
  Value body = Value::object();
  body.as_object().emplace_back("before", 1);
  for (const std::string &other : ak::path_params(op))
    if (other != name) body.as_object().emplace_back(other, "7");
  body.as_object().emplace_back(name, value);
  if (duplicate) body.as_object().emplace_back(name, "second");
  body.as_object().emplace_back("after", 2);
  std::string out;
  try {
    out = ak::expand_path(op, body);
  } catch (const ak::Error &e) {
    const std::string text = value.is_string() ? value.as_string() : ak::to_json(value);
    check(value.is_null() || !ak::path_segment_problem(text).empty(),
          "expand_path refused a non-null value that is no dot segment", e.message);
    check(e.status == ak::Status::Validation && e.fields.size() == 1 && !e.fields[0].rule.empty(),
          "expand_path's error is not one Validation field error", e.message);
    return;
  }
  check(!value.is_null(), "expand_path accepted a null path parameter", op.path);
  check(ak::path_segment_problem(value.is_string() ? value.as_string() : ak::to_json(value)).empty(),
        "expand_path accepted an empty or dot-segment path parameter", op.path);
  const std::string tmpl = with_others(op, name);
  size_t open = tmpl.find('{'), close = tmpl.find('}');
  std::string_view head(tmpl.data(), open), tail(tmpl.data() + close + 1, tmpl.size() - close - 1);
  check(out.size() >= head.size() + tail.size() && std::string_view(out).starts_with(head) &&
            std::string_view(out).ends_with(tail),
        "expand_path changed the template's text", out);
  std::string_view middle(out.data() + head.size(), out.size() - head.size() - tail.size());
  std::string decoded;
  check(akfuzz::percent_decode(middle, decoded), "a path parameter is not percent-encoded", out);
  check(decoded == (value.is_string() ? value.as_string() : ak::to_json(value)),
        "a path parameter does not decode back to its value", out);
  for (char c : out) check(c != ' ' && c != '\r' && c != '\n' && c != '\0', "a raw space/CR/LF/NUL in a path", out);
  check(body.find(name) == nullptr, "the path parameter stayed in the body", name);
  check(body.find("before") && body.find("after"), "expand_path removed other fields");
}

void check_url_encode(std::string_view s) {
  std::string enc = ak::url_encode(s), dec;
  for (size_t i = 0; i < enc.size(); ++i)
    if (enc[i] == '%') check(i + 2 < enc.size() && akfuzz::hex_value(enc[i + 1]) >= 0, "url_encode wrote a bare %");
  check(akfuzz::percent_decode(enc, dec), "url_encode wrote a reserved character", enc);
  check(dec == s, "url_encode does not decode back", enc);
}

void check_query(const Value &fields) {
  std::string q = ak::encode_query(fields);
  if (q.empty()) return;
  std::string_view rest(q);
  std::string scratch;
  for (;;) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    check(eq != std::string_view::npos, "a query pair without '='", q);
    check(akfuzz::percent_decode(pair.substr(0, eq), scratch), "a raw reserved character in a query key", q);
    check(akfuzz::percent_decode(pair.substr(eq + 1), scratch), "a raw reserved character in a query value", q);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
}

void check_origin(std::string_view url) {
  std::string origin = ak::url_origin(url);
  if (origin.empty()) return;
  check(origin.size() <= url.size(), "url_origin is longer than the URL", origin);
  for (size_t i = 0; i < origin.size(); ++i) {
    char a = url[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    check(origin[i] == a, "url_origin is not a lower-cased prefix of the URL", origin);
    check(!(origin[i] >= 'A' && origin[i] <= 'Z'), "url_origin has upper case", origin);
  }
  size_t scheme = origin.find("://");
  check(scheme != std::string::npos, "url_origin without ://", origin);
  check(origin.find_first_of("/?#", scheme + 3) == std::string::npos, "url_origin holds a path, query or fragment",
        origin);
}

std::string lower(std::string s) {
  for (auto &c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// scheme://host:port as libcurl itself reads the URL; empty when it cannot.
std::string curl_origin(const std::string &url) {
  std::string out;
  CURLU *u = curl_url();
  char *scheme = nullptr, *host = nullptr, *port = nullptr;
  if (u && curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
    out = lower(scheme) + "://" + lower(host) + ":" + port;
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return out;
}

// Redirects are followed only when url_origin says the origin is the same:
// libcurl must then agree that scheme, host and port are the same.
void check_same_origin(const std::string &a, const std::string &b) {
  if (a.find('\0') != std::string::npos || b.find('\0') != std::string::npos) return;
  std::string oa = ak::url_origin(a);
  if (oa.empty() || oa != ak::url_origin(b)) return;
  std::string ca = curl_origin(a), cb = curl_origin(b);
  check(ca.empty() || cb.empty() || ca == cb, "url_origin calls two URLs of different hosts the same origin",
        a + " | " + b + " -> " + ca + " vs " + cb);
}

void check_scrub(const std::string &text, const std::string &secret) {
  // Shorter secrets are masked only at their locations (core/redact.hpp).
  if (secret.size() < ak::kMinSearchedSecret || secret.find('*') != std::string::npos) return;
  for (const auto &k : ak::api::secret_keys())
    if (k.find(secret) != std::string::npos) return;  // the library's own words
  std::string t = text;
  ak::scrub_text(t, {secret});
  check(t.find(secret) == std::string::npos, "scrub_text left a secret", t);
  check(t.find(ak::url_encode(secret)) == std::string::npos, "scrub_text left an encoded secret", t);
}

void run(std::string_view input) {
  size_t nl = input.find('\n');
  std::string path(input.substr(0, nl));
  std::string payload(nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1));
  Value json;
  bool is_json = true;
  try {
    json = ak::parse_json(payload);
  } catch (const ak::JsonError &) {
    is_json = false;
  }

  if (check_parse_path(path)) {
    check_tree_paths(path, is_json ? json : Value::object());
    check_tree_paths(path, Value());
  }
  check_c_fields(path, payload);

  for (const ak::Vendor *v : ak::vendors()) {
    for (const auto &op : v->operations) {
      for (const std::string &name : ak::path_params(op)) {
        check_expand(op, name, Value(payload), false);
        check_expand(op, name, Value(path), true);
        if (is_json) check_expand(op, name, json, false);
      }
    }
  }

  check_url_encode(input);
  check_origin(input);
  check_same_origin(path, payload);
  if (is_json) check_query(json);
  check_query(Value(ak::Object{{path, payload}, {"k", Value(ak::Array{Value(path), Value()})}}));
  check_scrub(payload, path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    run(std::string_view(reinterpret_cast<const char *>(data), size));
  } catch (const std::exception &e) {
    akfuzz::fail("an unexpected exception", std::string(typeid(e).name()) + ": " + e.what());
  }
  return 0;
}
