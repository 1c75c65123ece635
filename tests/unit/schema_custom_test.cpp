// The validator's generic pieces on hand-made schemas: nullable fields,
// nested objects, arrays, all_or_none, forbidden_when, at_least_one_true,
// enums, open objects, and a format defined outside core the way a vendor folder defines one.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/formats.hpp"
#include "core/schema.hpp"
#include "schema_support.hpp"

using namespace schema_test;

namespace {

// A small schema exercising the generic pieces: nullable, nested objects,
// arrays of objects, all_or_none and forbidden_when (rule "conflict").
const Field &shop_schema() {
  static const Field schema =
      Field::object("", {
          Field::string("name").req(),
          Field::string("website").null_ok(),
          Field::string("street"),
          Field::string("city"),
          Field::string("zip"),
          Field::string("plan").values({"trial", "paid"}),
          Field::string("coupon"),
          Field::object("billing", {Field::string("iban"), Field::string("bic")})
              .cross(ak::all_or_none({"iban", "bic"})),
          Field::array("contacts", Field::object("", {Field::string("email").fmt(ak::formats::kEmail).req()})),
          Field::object("extra", {}).open(),
      })
          .cross(ak::all_or_none({"street", "city", "zip"}))
          .cross(ak::forbidden_when("coupon", "plan", "trial"));
  return schema;
}

Value shop(ak::Object members) {
  Value v(ak::Object{{"name", "Shop"}});
  for (auto &[k, m] : members) v.set(k, std::move(m));
  return v;
}

Errors shop_errors(ak::Object members) { return errors_for(shop_schema(), shop(std::move(members))); }

}  // namespace

TEST(CustomSchema, NullableFieldAcceptsNull) {
  EXPECT_TRUE(no_errors(shop_errors({{"website", Value()}})));
  EXPECT_TRUE(no_errors(shop_errors({{"website", "https://shop.example"}})));
  EXPECT_TRUE(no_errors(shop_errors({})));  // absent
  EXPECT_TRUE(only_error(shop_errors({{"website", 5}}), "website", "type"));
}

TEST(CustomSchema, AllOrNoneAcceptsAllOrNone) {
  EXPECT_TRUE(no_errors(shop_errors({})));
  EXPECT_TRUE(no_errors(shop_errors({{"street", "Main 1"}, {"city", "Haifa"}, {"zip", "3100000"}})));
}

TEST(CustomSchema, AllOrNoneReportsEachMissingMember) {
  Errors errors = shop_errors({{"city", "Haifa"}});
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "street", "all_or_none"));
  EXPECT_TRUE(has_error(errors, "zip", "all_or_none"));
  EXPECT_EQ(find_error(errors, "street", "all_or_none")->message,
            "is required because street, city, zip must be given together or not at all");
}

TEST(CustomSchema, AllOrNoneTreatsNullAsNotGiven) {
  // zip is null: not given (and, not being nullable, also "not_null").
  Errors errors = shop_errors({{"street", "Main 1"}, {"city", "Haifa"}, {"zip", Value()}});
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "zip", "all_or_none"));
  EXPECT_TRUE(has_error(errors, "zip", "not_null"));
}

TEST(CustomSchema, AllOrNoneInANestedObjectUsesTheFullPath) {
  EXPECT_TRUE(no_errors(shop_errors({{"billing", Value(ak::Object{{"iban", "IL1"}, {"bic", "B"}})}})));
  EXPECT_TRUE(no_errors(shop_errors({{"billing", Value::object()}})));
  EXPECT_TRUE(only_error(shop_errors({{"billing", Value(ak::Object{{"iban", "IL1"}})}}), "billing.bic", "all_or_none"));
}

TEST(CustomSchema, ForbiddenWhen) {
  EXPECT_TRUE(no_errors(shop_errors({{"plan", "paid"}, {"coupon", "X"}})));
  EXPECT_TRUE(no_errors(shop_errors({{"plan", "trial"}})));
  EXPECT_TRUE(no_errors(shop_errors({{"coupon", "X"}})));  // plan absent
  Errors errors = shop_errors({{"plan", "trial"}, {"coupon", "X"}});
  ASSERT_TRUE(only_error(errors, "coupon", "conflict"));
  EXPECT_EQ(errors[0].message, "must not be given when plan is \"trial\"");
}

TEST(CustomSchema, ForbiddenWhenCountsAPresentNullAsGiven) {
  Errors errors = shop_errors({{"plan", "trial"}, {"coupon", Value()}});
  EXPECT_TRUE(has_error(errors, "coupon", "conflict")) << describe(errors);
}

// at_least_one_true on its own schema: booleans a and b, one of which must be true.
Errors flag_errors(ak::Object members) {
  static const Field schema =
      Field::object("", {Field::boolean("a"), Field::boolean("b").null_ok()}).cross(ak::at_least_one_true({"a", "b"}));
  return errors_for(schema, Value(std::move(members)));
}

TEST(CustomSchema, AtLeastOneTrueAcceptsAnyTrue) {
  EXPECT_TRUE(no_errors(flag_errors({{"a", true}})));
  EXPECT_TRUE(no_errors(flag_errors({{"a", false}, {"b", true}})));
  EXPECT_TRUE(no_errors(flag_errors({{"a", true}, {"b", true}})));
}

TEST(CustomSchema, AtLeastOneTrueReportsEachMemberWhenNoneIsTrue) {
  for (Errors errors : {flag_errors({}), flag_errors({{"a", false}, {"b", false}}), flag_errors({{"b", Value()}})}) {
    EXPECT_EQ(errors.size(), 2u) << describe(errors);
    EXPECT_TRUE(has_error(errors, "a", "at_least_one_true"));
    EXPECT_TRUE(has_error(errors, "b", "at_least_one_true"));
  }
  EXPECT_EQ(find_error(flag_errors({}), "a", "at_least_one_true")->message, "must be true: at least one of a, b must be");
}

TEST(CustomSchema, AtLeastOneTrueLeavesANonBooleanToItsTypeError) {
  EXPECT_TRUE(only_error(flag_errors({{"a", "yes"}}), "a", "type"));
}

TEST(CustomSchema, EnumOfStrings) {
  Errors errors = shop_errors({{"plan", "free"}});
  ASSERT_TRUE(only_error(errors, "plan", "enum"));
  EXPECT_EQ(errors[0].message, "must be one of \"trial\", \"paid\"");
}

TEST(CustomSchema, ArrayElementsGetIndexedPaths) {
  Value contacts(ak::Array{Value(ak::Object{{"email", "a@example.com"}}), Value(ak::Object{{"email", "bad"}}),
                           Value(ak::Object{{"phone", "1"}}), Value("not an object")});
  Errors errors = shop_errors({{"contacts", contacts}});
  EXPECT_EQ(errors.size(), 4u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "contacts[1].email", "email"));
  EXPECT_TRUE(has_error(errors, "contacts[2].email", "required"));
  EXPECT_TRUE(has_error(errors, "contacts[2].phone", "unknown_field"));
  EXPECT_TRUE(has_error(errors, "contacts[3]", "type"));
}

TEST(CustomSchema, OpenObjectAcceptsUnknownMembers) {
  EXPECT_TRUE(no_errors(shop_errors({{"extra", Value(ak::Object{{"anything", 1}})}})));
  EXPECT_TRUE(only_error(shop_errors({{"billing", Value(ak::Object{{"swift", "x"}})}}), "billing.swift", "unknown_field"));
}

// ---------------------------------------------------------------- a format defined outside core

namespace {

// A format as a vendor folder would define one: its own rule name, message
// and a more precise problem (core/vendors/digital99/password.hpp does this).
std::string sku_problem(std::string_view s) {
  if (s.size() != 6) return "must be a SKU: 6 characters";
  for (char c : s)
    if (c < '0' || c > '9') return "must be a SKU: digits only";
  return {};
}
constinit const ak::Format kSku{"sku", "must be a SKU", sku_problem};

const Field &sku_schema() {
  static const Field schema = Field::object("", {
                                                    Field::string("sku").fmt(kSku),
                                                    Field::string("kind").values({"box", "part"}),
                                                    Field::string("part_sku"),
                                                    Field::array("skus", Field::string("").fmt(kSku)),
                                                })
                                  .cross(ak::format_when("part_sku", "kind", "part", kSku));
  return schema;
}

}  // namespace

TEST(CustomFormat, FieldReportsTheFormatsRuleAndProblem) {
  EXPECT_TRUE(no_errors(errors_for(sku_schema(), Value(ak::Object{{"sku", "123456"}}))));
  Errors errors = errors_for(sku_schema(), Value(ak::Object{{"sku", "12345x"}}));
  ASSERT_TRUE(only_error(errors, "sku", "sku"));
  EXPECT_EQ(errors[0].message, "must be a SKU: digits only");
  errors = errors_for(sku_schema(), Value(ak::Object{{"skus", Value(ak::Array{Value("123456"), Value("1")})}}));
  ASSERT_TRUE(only_error(errors, "skus[1]", "sku"));
  EXPECT_EQ(errors[0].message, "must be a SKU: 6 characters");
}

TEST(CustomFormat, FormatWhenUsesTheFormat) {
  EXPECT_TRUE(no_errors(errors_for(sku_schema(), Value(ak::Object{{"kind", "box"}, {"part_sku", "x"}}))));
  EXPECT_TRUE(no_errors(errors_for(sku_schema(), Value(ak::Object{{"kind", "part"}, {"part_sku", "654321"}}))));
  Errors errors = errors_for(sku_schema(), Value(ak::Object{{"kind", "part"}, {"part_sku", "x"}}));
  ASSERT_TRUE(only_error(errors, "part_sku", "sku"));
  EXPECT_EQ(errors[0].message, "must be a SKU: 6 characters when kind is \"part\"");
}

TEST(CustomFormat, FieldKeepsTheFormatByAddress) {
  EXPECT_EQ(sku_schema().member("sku")->format, &kSku);
  EXPECT_EQ(sku_schema().member("kind")->format, nullptr);  // no format
}
