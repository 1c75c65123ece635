// ak_fields through the C API: paths, null versus absent, JSON in and out.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

using namespace akt;

std::string to_json(const ak_fields *f) {
  char *out = nullptr;
  EXPECT_EQ(ak_fields_to_json(&out, f, nullptr), AK_OK);
  std::string s = out ? out : "";
  ak_string_free(out);
  return s;
}

TEST(Fields, PathsBuildNestedObjectsAndArrays) {
  FieldsPtr f = make_fields("{}");
  ASSERT_EQ(ak_fields_set_string(f.get(), "contacts[1].address.city", "Sunnyvale", nullptr), AK_OK);
  ASSERT_EQ(ak_fields_set_int(f.get(), "agents", 10, nullptr), AK_OK);
  ASSERT_EQ(ak_fields_set_bool(f.get(), "flag", 1, nullptr), AK_OK);
  ASSERT_EQ(ak_fields_set_double(f.get(), "limit", 2.5, nullptr), AK_OK);
  EXPECT_EQ(to_json(f.get()),
            R"({"contacts":[null,{"address":{"city":"Sunnyvale"}}],"agents":10,"flag":true,"limit":2.5})");
}

TEST(Fields, NullIsSentAbsentIsNot) {
  FieldsPtr f = make_fields(R"({"website":"www.acme.com","name":"Acme"})");
  ASSERT_EQ(ak_fields_set_null(f.get(), "website", nullptr), AK_OK);
  ASSERT_EQ(ak_fields_unset(f.get(), "name", nullptr), AK_OK);
  ASSERT_EQ(ak_fields_unset(f.get(), "never_there", nullptr), AK_OK);
  EXPECT_EQ(to_json(f.get()), R"({"website":null})");
}

TEST(Fields, RepeatedKeysAreRefusedNamingTheKey) {
  const std::string json = R"({"account_name":"A","nested":{"agents":1,"agents":2}})";
  ak_fields *f = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_fields_from_json(&f, json.data(), json.size(), &err), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(f, nullptr);
  ErrorInfo e = copy_error(AK_E_INVALID_ARGUMENT, err);
  EXPECT_NE(e.message.find("nested.agents"), std::string::npos) << e.message;
}

TEST(Fields, NonObjectJsonAndBadPathsAreInvalidArguments) {
  ak_fields *f = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_fields_from_json(&f, "[1]", 3, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  ASSERT_EQ(ak_fields_from_json(&f, "{", 1, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  FieldsPtr ok = make_fields(R"({"name":"x"})");
  EXPECT_EQ(ak_fields_set_int(ok.get(), "name.inner", 1, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(ak_fields_set_int(ok.get(), "a[", 1, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(ak_fields_set_string(ok.get(), "name", nullptr, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(ak_fields_set_int(nullptr, "name", 1, nullptr), AK_E_INVALID_ARGUMENT);
}

}  // namespace
