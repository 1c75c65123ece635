// The unknown_field message: it names the operation (or the nested object),
// suggests the closest known name when one is close enough and lists the
// known names in schema order, never a value.
#include <gtest/gtest.h>

#include <string>

#include "core/api.hpp"
#include "core/schema.hpp"
#include "schema_support.hpp"

using namespace schema_test;

namespace {

const Field &schema() {
  static const Field s = Field::object("", {
                                               Field::string("account_name").req(),
                                               Field::integer("agents"),
                                               Field::string("admin_displayName"),
                                               Field::object("address", {Field::string("city"), Field::string("zip")}),
                                               Field::array("contacts", Field::object("", {Field::string("email")})),
                                               Field::object("nothing", {}),
                                               Field::string("id"),
                                           });
  return s;
}

Errors with(ak::Object members, std::string_view operation = "create_account") {
  Value v(ak::Object{{"account_name", "Acme"}});
  for (auto &[k, m] : members) v.set(k, std::move(m));
  Errors out;
  ak::validate(schema(), v, out, operation);
  return out;
}

std::string message_for(ak::Object members, std::string_view path) {
  Errors errors = with(std::move(members));
  const FieldError *e = find_error(errors, path, "unknown_field");
  return e ? e->message : "no unknown_field at " + std::string(path) + " in " + describe(errors);
}

const std::string kAll = " (fields: account_name, agents, admin_displayName, address, contacts, nothing, id)";

}  // namespace

TEST(UnknownField, SuggestsTheClosestNameAndListsTheFields) {
  EXPECT_EQ(message_for({{"acount_name", "x"}}, "acount_name"),
            "is not a known field of create_account, did you mean `account_name`?" + kAll);
  EXPECT_EQ(message_for({{"agent", 1}}, "agent"), "is not a known field of create_account, did you mean `agents`?" + kAll);
  // A swap of neighbours is one edit.
  EXPECT_EQ(message_for({{"agnets", 1}}, "agnets"), "is not a known field of create_account, did you mean `agents`?" + kAll);
}

TEST(UnknownField, ACaseDifferenceIsCloserThanAnyEdit) {
  EXPECT_EQ(message_for({{"admin_displayname", "x"}}, "admin_displayname"),
            "is not a known field of create_account, did you mean `admin_displayName`?" + kAll);
  EXPECT_EQ(message_for({{"ID", "x"}}, "ID"), "is not a known field of create_account, did you mean `id`?" + kAll);
}

TEST(UnknownField, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(message_for({{"colour", "x"}}, "colour"), "is not a known field of create_account" + kAll);
  EXPECT_EQ(message_for({{"password", "x"}}, "password"), "is not a known field of create_account" + kAll);
  EXPECT_EQ(ak::closest_member(schema(), "q"), nullptr);
  EXPECT_EQ(ak::closest_member(schema(), ""), nullptr);
}

TEST(UnknownField, TheThresholdGrowsWithTheNameUpToThreeEdits) {
  EXPECT_EQ(ak::closest_member(schema(), "acc_name"), nullptr);  // 4 edits, 8 characters: 2 at most
  ASSERT_NE(ak::closest_member(schema(), "accnt_name"), nullptr);  // 2 edits, 10 characters: 3 at most
  EXPECT_EQ(ak::closest_member(schema(), "accnt_name")->name, "account_name");
  EXPECT_EQ(ak::closest_member(schema(), "ajens"), nullptr);  // 2 edits, 5 characters: 1 at most
  ASSERT_NE(ak::closest_member(schema(), "agens"), nullptr);  // 1 edit
  EXPECT_EQ(ak::closest_member(schema(), "agens")->name, "agents");
  EXPECT_EQ(ak::closest_member(schema(), "account_name_of_custmr"), nullptr);  // 10 edits: never more than 3
}

TEST(UnknownField, AOneCharacterNameIsOnlyMatchedUpToCase) {
  const Field s = Field::object("", {Field::string("x"), Field::string("ab")});
  ASSERT_NE(ak::closest_member(s, "X"), nullptr);
  EXPECT_EQ(ak::closest_member(s, "X")->name, "x");
  EXPECT_EQ(ak::closest_member(s, "y"), nullptr);  // one edit, as many as it has characters
  EXPECT_EQ(ak::closest_member(s, "b"), nullptr);
}

TEST(UnknownField, NestedObjectsAreNamedByTheirPath) {
  EXPECT_EQ(message_for({{"address", Value(ak::Object{{"zipp", "1"}})}}, "address.zipp"),
            "is not a known field of address, did you mean `zip`? (fields: city, zip)");
  ak::Array contacts{Value(ak::Object{{"email", "a@b.c"}}), Value(ak::Object{{"emial", "x"}})};
  EXPECT_EQ(message_for({{"contacts", Value(std::move(contacts))}}, "contacts[1].emial"),
            "is not a known field of contacts[1], did you mean `email`? (fields: email)");
  EXPECT_EQ(message_for({{"nothing", Value(ak::Object{{"a", 1}})}}, "nothing.a"),
            "is not a known field of nothing, which takes no fields");
}

TEST(UnknownField, WithoutAnOperationNameItSaysThisOperation) {
  Errors errors = errors_for(schema(), Value(ak::Object{{"account_name", "x"}, {"colour", 1}}));
  ASSERT_TRUE(only_error(errors, "colour", "unknown_field"));
  EXPECT_EQ(errors[0].message, "is not a known field of this operation" + kAll);
}

TEST(UnknownField, TiesGoToTheEarlierField) {
  const Field s = Field::object("", {Field::string("ab"), Field::string("ba"), Field::string("cb")});
  // "bb" is one substitution from each.
  ASSERT_NE(ak::closest_member(s, "bb"), nullptr);
  EXPECT_EQ(ak::closest_member(s, "bb")->name, "ab");
}

TEST(UnknownField, TheApiNamesTheVendorsOperation) {
  const ak::Vendor &v = ak::api::vendor("99digital");
  try {
    ak::api::validate(v, ak::api::operation(v, "list_accounts"), Value(ak::Object{{"page", 1}}));
    FAIL() << "no validation error";
  } catch (const ak::Error &e) {
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].message, "is not a known field of list_accounts, which takes no fields");
  }
}
