// Logic bugs the fuzz targets (tests/fuzz, docs/fuzzing.md) found, each kept
// as a test beside its seed in tests/fuzz/corpus.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/vendors/activeplatform/activeplatform.hpp"
#include "core/vendors/digital99/digital99.hpp"

using namespace std::literals;
using ak::Status;
using ak::Value;

namespace {

Value decode(const ak::Vendor &vendor, std::string_view op, std::string body, long http) {
  const ak::Operation *o = vendor.find(op);
  if (!o) throw std::logic_error("no operation " + std::string(op));
  ak::HttpResponse resp;
  resp.status = http;
  resp.body = std::move(body);
  return vendor.decode(*o, resp);
}

ak::Error decode_error(const ak::Vendor &vendor, std::string_view op, std::string body, long http) {
  try {
    decode(vendor, op, std::move(body), http);
  } catch (const ak::Error &e) {
    return e;
  }
  ADD_FAILURE() << "decoded without an error";
  return {};
}

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

// fuzz_decode: a 99digital reason was read by std::from_chars up to the first
// non-digit ("1abc" -> 1) and cast from int64 to int (4294967297 -> 1), so a
// garbled or huge reason could read as 1, success.
TEST(FuzzRegressions, Digital99ReasonMustBeAWholeNumberThatFitsAnInt) {
  const auto &v = ak::digital99();
  EXPECT_EQ(decode_error(v, "create_account", R"({"reason":"1abc","account_id":1})", 200).status, Status::Decode);
  EXPECT_EQ(decode_error(v, "create_account", R"({"reason":4294967297,"account_id":1})", 200).status, Status::Decode);

  // A failure whose reason would truncate to 38 (admin_email) is not blamed on that field.
  ak::Error e = decode_error(v, "create_account", R"({"status":"FAIL","reason":4294967334})", 200);
  EXPECT_EQ(e.status, Status::Vendor);
  EXPECT_TRUE(e.vendor_code.empty());
  EXPECT_TRUE(e.fields.empty());

  // Digits are still digits, as a number or as text.
  EXPECT_EQ(decode(v, "create_account", R"({"reason":"0001","account_id":"7"})", 200).find("account_id")->as_int(), 7);
  EXPECT_EQ(decode_error(v, "create_account", R"({"status":"FAIL","reason":"38"})", 200).fields.at(0).path,
            "admin_email");
}

// fuzz_decode: an ActivePlatform 422 naming a field with an empty message gave
// a field error without a message.
TEST(FuzzRegressions, ActivePlatformFieldErrorAlwaysHasAMessage) {
  ak::Error e = decode_error(ak::activeplatform(), "create_account", R"({"errors":{"zip":[""],"email":"is invalid"}})", 422);
  EXPECT_EQ(e.status, Status::Validation);
  ASSERT_EQ(e.fields.size(), 2u);
  EXPECT_EQ(e.fields[0].path, "zip");
  EXPECT_EQ(e.fields[0].message, "was rejected by the vendor");
  EXPECT_EQ(e.fields[1].message, "is invalid");
  EXPECT_NE(e.message.find("zip was rejected by the vendor"), std::string::npos) << e.message;
}

// fuzz_paths: a path of many [100000] indexes allocated 4 MB per index (OOM
// from a few KB of path), and a path of many parts nested the tree deeper than
// the stack could free or the JSON reader could read back.
TEST(FuzzRegressions, FieldPathsAreBounded) {
  std::string longest = "a";
  for (size_t i = 1; i < ak::kMaxPathParts; ++i) longest += ".a";
  EXPECT_EQ(ak::parse_path(longest).size(), ak::kMaxPathParts);
  EXPECT_THROW(ak::parse_path(longest + ".a"), std::invalid_argument);
  EXPECT_THROW(ak::parse_path(longest + "[0]"), std::invalid_argument);

  EXPECT_EQ(ak::parse_path("a[60000][40000]").size(), 3u);
  EXPECT_THROW(ak::parse_path("a[60000][40001]"), std::invalid_argument);
  Value root;
  EXPECT_THROW(ak::put_path(root, "[100000][100000][100000]"), std::invalid_argument);
  EXPECT_TRUE(root.is_null());  // nothing was built
}

// fuzz_paths: a path or string value that is not UTF-8 became JSON text that
// no JSON reader accepts, ak_fields_from_json included.
TEST(FuzzRegressions, FieldsRefuseTextThatIsNotUtf8) {
  EXPECT_THROW(ak::parse_path("\xa9"), std::invalid_argument);
  EXPECT_EQ(ak::parse_path("ключ.é[1]").size(), 3u);

  ak_fields *f = nullptr;
  ASSERT_EQ(ak_fields_new(&f, nullptr), AK_OK);
  ak_error *err = nullptr;
  EXPECT_EQ(ak_fields_set_string(f, "\xa9", "x", &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(ak_fields_set_string(f, "name", "caf\xc3", &err), AK_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ak_error_message(err)).find("UTF-8"), std::string::npos);
  ak_error_free(err);
  EXPECT_EQ(ak_fields_set_string(f, "name", "café", nullptr), AK_OK);
  char *json = nullptr;
  ASSERT_EQ(ak_fields_to_json(&json, f, nullptr), AK_OK);
  EXPECT_EQ(std::string(json), R"({"name":"café"})");
  ak_string_free(json);
  ak_fields_free(f);
}

// fuzz_paths: ak_fields_set_json put a subtree below a path so deep that
// ak_fields_to_json wrote JSON the reader refuses (more than 1024 levels).
// Fields now nest at most 64 levels (ak::api::kMaxDepth), whatever builds them.
TEST(FuzzRegressions, FieldsNeverNestDeeperThanTheReaderAccepts) {
  ak_fields *f = nullptr;
  ASSERT_EQ(ak_fields_new(&f, nullptr), AK_OK);
  std::string ok = nested_arrays(64), too_deep = nested_arrays(65);  // the innermost [] is 64 parts below "a"
  ak_error *err = nullptr;
  EXPECT_EQ(ak_fields_set_json(f, "a", too_deep.data(), too_deep.size(), &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  ASSERT_EQ(ak_fields_set_json(f, "a", ok.data(), ok.size(), nullptr), AK_OK);
  char *json = nullptr;
  ASSERT_EQ(ak_fields_to_json(&json, f, nullptr), AK_OK);
  ak_fields *back = nullptr;
  EXPECT_EQ(ak_fields_from_json(&back, json, std::string_view(json).size(), nullptr), AK_OK);
  ak_fields_free(back);
  ak_string_free(json);
  ak_fields_free(f);
}
