// Every vendor's response decoder, on any body and HTTP status.
//
// Input: byte 0 picks the vendor (modulo the vendor count, in registry order:
// 99digital, activeplatform, activeplatform-v3, commvault), byte 1 the operation (modulo the
// vendor's operation count, in table order), bytes 2..4 the HTTP status (three
// decimal digits such as "200", else the three bytes modulo 1000); the rest is
// the response body. So "00200{...}" is a 99digital create_account answer.
//
// Properties: decode either returns or throws ak::Error - nothing else escapes;
// a result is an object, only for a 2xx status (and for 99digital only when
// the envelope says OK, or has no status and reason 1), carries a list operation's
// items as an array under list_key, and survives a JSON write/read round trip;
// status_of never throws; an Error has a real category, a message, the HTTP
// status and the raw body it came from, and every field error has a path, a
// rule and a message.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/vendor.hpp"
#include "fuzz_check.hpp"

using akfuzz::check;

namespace {

long status_from(const uint8_t *p) {
  bool digits = true;
  for (int i = 0; i < 3; ++i) digits = digits && p[i] >= '0' && p[i] <= '9';
  if (digits) return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  return static_cast<long>((uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2]) % 1000);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// 99digital answers failures with HTTP 200: a success must come from an
// envelope that says so - the first string "status" is "OK" (any case), or
// there is none and the (last) "reason" is exactly 1, as a number or as digits.
bool envelope_says_ok(const std::string &body) {
  ak::Value v = ak::parse_json(body);
  const ak::Value *reason = nullptr;
  for (const auto &[k, m] : v.as_object()) {
    if (k == "status" && m.is_string()) return iequals(m.as_string(), "OK");
    if (k == "reason") reason = &m;
  }
  if (!reason) return false;
  if (reason->is_int()) return reason->as_int() == 1;
  if (!reason->is_string()) return false;
  std::string_view digits = reason->as_string();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
  return digits.substr(digits.find_first_not_of('0') == std::string_view::npos ? digits.size() : digits.find_first_not_of('0')) == "1";
}

void check_result(const ak::Vendor &vendor, const ak::Operation &op, const ak::HttpResponse &resp,
                  const ak::Value &result) {
  check(resp.status >= 200 && resp.status < 300, "decode succeeded on a non-2xx status",
        std::to_string(resp.status));
  if (vendor.name == "99digital")
    check(envelope_says_ok(resp.body), "a 99digital answer that does not say OK decoded as a success", resp.body);
  check(result.is_object(), "decode returned something other than an object");
  if (!op.list_key.empty()) {
    const ak::Value *items = ak::get_path(result, op.list_key);
    check(items && items->is_array(), "a list result has no array under list_key", op.list_key);
    for (const auto &item : items->as_array()) (void)vendor.status_of(op, item);
  }
  (void)vendor.status_of(op, result);
  std::string text = ak::to_json(result);
  ak::Value back;
  try {
    back = ak::parse_json(text);
  } catch (const ak::JsonError &e) {
    akfuzz::fail("a decoded result does not write valid JSON", text);
  }
  check(back == result, "a decoded result does not survive a JSON round trip", text);
}

void check_error(const ak::HttpResponse &resp, const ak::Error &e) {
  check(e.status != ak::Status::Ok, "decode threw an Error with status Ok");
  check(!e.message.empty(), "decode threw an Error without a message");
  check(e.http_status == 0 || e.http_status == resp.status, "an Error carries another HTTP status",
        std::to_string(e.http_status) + " vs " + std::to_string(resp.status));
  check(e.raw_body == resp.body, "an Error does not carry the response body", e.message);
  for (const auto &f : e.fields) {
    check(!f.path.empty(), "a field error without a path", e.message);
    check(!f.rule.empty(), "a field error without a rule", f.path);
    check(!f.message.empty(), "a field error without a message", f.path);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5) return 0;
  const auto &all = ak::vendors();
  const ak::Vendor &vendor = *all[data[0] % all.size()];
  const ak::Operation &op = vendor.operations[data[1] % vendor.operations.size()];
  ak::HttpResponse resp;
  resp.status = status_from(data + 2);
  resp.body.assign(reinterpret_cast<const char *>(data + 5), size - 5);
  try {
    ak::Value result = vendor.decode(op, resp);
    check_result(vendor, op, resp, result);
  } catch (const ak::Error &e) {
    check_error(resp, e);
  } catch (const std::exception &e) {
    akfuzz::fail("decode threw something other than ak::Error", std::string(typeid(e).name()) + ": " + e.what());
  }
  return 0;
}
