// Golden cases: every request and response example of the vendors' pages the
// library relies on (tests/golden/<vendor>/*.json; README.md there says what a
// case holds). Requests must pass the library's validation (api::problems, what
// ak_validate and ak_call run); responses must decode through the vendor's
// decoder to the expected result, or to the expected error. Example values may
// hold sample secrets: a failure names the case and the field, never a value.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/api.hpp"
#include "core/auth.hpp"
#include "core/json.hpp"
#include "core/vendor.hpp"

namespace fs = std::filesystem;
using ak::Value;

namespace {

struct Case {
  std::string vendor;  // the folder's name: the vendor as callers name it
  fs::path file;
};

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto &dir : fs::directory_iterator(AK_GOLDEN_DIR)) {
    if (!dir.is_directory()) continue;
    for (const auto &f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".json") out.push_back({dir.path().filename().string(), f.path()});
  }
  std::sort(out.begin(), out.end(), [](const Case &a, const Case &b) { return a.file < b.file; });
  return out;
}

std::string read_text(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string str(const Value &obj, const char *key) {
  const Value *v = obj.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

// Field errors by path and rule only: messages never echo values, but a
// golden file's values are the vendor's samples and stay out of test output.
std::string describe(const std::vector<ak::FieldError> &errors) {
  std::string s;
  for (const auto &e : errors) s += " [" + e.path + " " + e.rule + "]";
  return s;
}

void expect_valid(const ak::Operation &op, const Value &fields, const std::string &what) {
  auto errors = ak::api::problems(op, fields, true);
  EXPECT_TRUE(errors.empty()) << what << ": " << op.name << " refuses the example:" << describe(errors);
}

// Removes key from every object in the array at array_key ("contacts[].type").
void drop(Value &obj, const std::string &spec) {
  auto brackets = spec.find("[].");
  if (brackets == std::string::npos) {
    obj.erase(spec);
    return;
  }
  Value *arr = obj.find(spec.substr(0, brackets));
  if (!arr || !arr->is_array()) return;
  for (auto &item : arr->as_array())
    if (item.is_object()) drop(item, spec.substr(brackets + 3));
}

// A get-then-update round trip: the decoded account cut to the update's
// fields, its id bound to the update's id field, must validate.
void round_trip(const ak::Vendor &vendor, const ak::Operation &read, const Value &result, const Value &spec) {
  const ak::Operation *update = vendor.find(str(spec, "operation"));
  ASSERT_NE(update, nullptr) << "round trip: unknown operation";
  Value fields = Value::object();
  for (const auto &m : update->request.members)
    if (const Value *v = result.find(m.name)) fields.set(m.name, *v);
  const Value *id = result.find(read.result_id);
  ASSERT_NE(id, nullptr) << "round trip: the result has no " << read.result_id;
  fields.set(str(spec, "id_field"), *id);
  if (const Value *d = spec.find("drop"); d && d->is_array())
    for (const auto &path : d->as_array()) drop(fields, path.as_string());
  expect_valid(*update, fields, "round trip into " + update->name);
}

void check_result(const Value &result, const Value &expect) {
  const Value *want = expect.find("result");
  if (!want) return;
  for (const auto &[path, value] : want->as_object()) {
    const Value *got = ak::get_path(result, path);
    ASSERT_NE(got, nullptr) << "the decoded result has no " << path;
    EXPECT_TRUE(*got == value) << path << " is " << ak::kind_name(got->kind()) << ", not the expected "
                               << ak::kind_name(value.kind()) << " value";
  }
}

// The vendor's token answer through its authenticator: the token it holds is
// what the next request carries.
void check_token(const ak::Vendor &vendor, const ak::HttpResponse &resp, const Value &expect) {
  ak::Options opts{{"base_url", "http://golden.invalid"}, {"client_id", "golden-id"}, {"client_secret", "golden-secret"}};
  auto auth = vendor.authenticator(opts);
  ak::HttpRequest first;
  ASSERT_EQ(auth->authorize(first, 0).kind, ak::Authenticator::Step::Fetch);
  auto failure = auth->fetched(resp);
  ASSERT_FALSE(failure.has_value()) << "the token answer was refused: " << failure->message;
  ak::HttpRequest next;
  ASSERT_EQ(auth->authorize(next, 0).kind, ak::Authenticator::Step::Ready);
  bool carries = false;
  for (const auto &[name, value] : next.headers)
    carries = carries || (name == "Authorization" && value == "Bearer " + str(expect, "bearer"));
  EXPECT_TRUE(carries) << "the next request does not carry the answer's token";
}

// What ctest and gtest show for a case: its file, not its bytes.
void PrintTo(const Case &c, std::ostream *os) { *os << c.vendor << "/" << c.file.filename().string(); }

class Golden : public testing::TestWithParam<Case> {};

TEST_P(Golden, Example) {
  const Case &c = GetParam();
  Value g = ak::parse_json(read_text(c.file));
  const ak::Vendor *vendor = ak::find_vendor(c.vendor);
  ASSERT_NE(vendor, nullptr) << "no vendor " << c.vendor;
  const std::string op_name = str(g, "operation"), direction = str(g, "direction");
  ASSERT_FALSE(str(g, "source").empty()) << "every case names its source";

  if (direction == "request") {
    const ak::Operation *op = vendor->find(op_name);
    ASSERT_NE(op, nullptr) << "no operation " << op_name;
    const Value *fields = g.find("fields");
    ASSERT_NE(fields, nullptr);
    expect_valid(*op, *fields, c.file.filename().string());
    return;
  }
  ASSERT_EQ(direction, "response");
  ak::HttpResponse resp;
  resp.status = g.find("http_status") ? g.find("http_status")->as_int() : 200;
  resp.body = str(g, "body");
  const Value &expect = *g.find("expect");
  if (op_name == "token") return check_token(*vendor, resp, expect);

  const ak::Operation *op = vendor->find(op_name);
  ASSERT_NE(op, nullptr) << "no operation " << op_name;
  const std::string want = str(expect, "status");
  Value result;
  try {
    result = vendor->decode(*op, resp);
  } catch (const ak::Error &e) {
    ASSERT_NE(want, "ok") << "decode failed: " << ak::status_name(e.status) << " " << e.message;
    EXPECT_EQ(ak::status_name(e.status), want);
    if (expect.find("vendor_code")) {
      EXPECT_EQ(e.vendor_code, str(expect, "vendor_code"));
    }
    return;
  }
  ASSERT_EQ(want, "ok") << "decode succeeded; expected " << want;
  check_result(result, expect);
  if (const Value *rt = g.find("roundtrip")) round_trip(*vendor, *op, result, *rt);
}

std::string case_name(const testing::TestParamInfo<Case> &info) {
  std::string n = info.param.vendor + "_" + info.param.file.stem().string();
  for (auto &ch : n)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Vendors, Golden, testing::ValuesIn(all_cases()), case_name);

TEST(GoldenFiles, EveryVendorHasExamples) {
  for (const ak::Vendor *v : ak::vendors()) {
    bool any = false;
    for (const auto &c : all_cases()) any = any || c.vendor == v->name;
    EXPECT_TRUE(any) << "no golden examples for " << v->name << " under tests/golden/" << v->name;
  }
}

}  // namespace
