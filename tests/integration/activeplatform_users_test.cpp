// ActivePlatform v1 users over real HTTP against the sandbox (issue 15):
// create, read, update, list (filters, paging), an account's users (its
// owner is a user made with it), the login email as the key of a lost
// create, 404 and 422 answers, and the password kept secret.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>

#include "sandbox_faults.hpp"
#include "support.hpp"

using namespace akt;

namespace {

constexpr const char *kUsersPath = "/api/vendor/v1/users.json";
constexpr const char *kPassword = "Sandbox!Pass-42";

std::string user_json(const std::string &email, const std::string &first = "Grace") {
  return R"({"first_name":")" + first + R"(","last_name":"Hopper","password":")" + kPassword +
         R"(","email":")" + email + R"("})";
}

class ActivePlatformUsers : public ::testing::Test {
 protected:
  ak_client *c() { return client.get(); }
  Sandbox sb;
  ClientPtr client = sb.client({{"retry_base_ms", "1"}, {"retry_max_ms", "5"}}, "activeplatform");
};

TEST_F(ActivePlatformUsers, CreateGetUpdateAndListAUser) {
  Outcome made = call(c(), "create_user", user_json("grace@navy.example"));
  ASSERT_TRUE(made.ok()) << made.describe();
  const std::string id = ak_result_id(made.result.get());
  EXPECT_STREQ(ak_result_status(made.result.get()), "active");
  EXPECT_EQ(made.get_string("email").value_or(""), "grace@navy.example");
  EXPECT_FALSE(made.get_string("password")) << "the model has no password";

  Outcome read = call(c(), "get_user", "{\"user_id\":" + id + "}");
  ASSERT_TRUE(read.ok()) << read.describe();
  EXPECT_EQ(read.get_string("first_name").value_or(""), "Grace");

  Outcome changed = call(c(), "update_user", "{\"user_id\":" + id + R"(,"middle_name":"Brewster"})");
  ASSERT_TRUE(changed.ok()) << changed.describe();
  EXPECT_EQ(changed.get_string("middle_name").value_or(""), "Brewster");
  EXPECT_EQ(changed.get_string("last_name").value_or(""), "Hopper");  // left out: unchanged

  Outcome listed = call(c(), "list_users", R"({"filters":{"email":"grace@navy.example"}})");
  ASSERT_TRUE(listed.ok()) << listed.describe();
  EXPECT_EQ(ak_result_size(listed.result.get(), "users"), 1u) << listed.json;
  for (const auto &e : sb.journal()) EXPECT_FALSE(contains(e.text, kPassword)) << "the journal masks it";
}

TEST_F(ActivePlatformUsers, AnAccountsOwnerIsOneOfItsUsers) {
  Outcome acct = call(c(), "create_account",
                      R"({"account_type_id":1,"account_class_id":1,"first_name":"Ada","last_name":"Lovelace",)"
                      R"("country":"GB","region":"London","city":"London","street":"St James's Square","building":"12",)"
                      R"("office":"3","zip":"SW1Y 4JH","phone":"+442079460000","email":"ada@lovelace.example"})");
  ASSERT_TRUE(acct.ok()) << acct.describe();
  Outcome users = call(c(), "list_account_users", "{\"account_id\":" + std::string(ak_result_id(acct.result.get())) + "}");
  ASSERT_TRUE(users.ok()) << users.describe();
  ASSERT_EQ(ak_result_size(users.result.get(), "users"), 1u) << users.json;
  EXPECT_EQ(users.get_string("users[0].email").value_or(""), "ada@lovelace.example");
  EXPECT_EQ(users.get_int("users[0].id"), acct.get_int("owner_id"));

  Outcome none = call(c(), "list_account_users", R"({"account_id":999999})");
  EXPECT_EQ(none.status, AK_E_NOT_FOUND) << none.describe();
}

TEST_F(ActivePlatformUsers, UnknownUsersAreNotFoundAndATakenLoginIsAFieldError) {
  EXPECT_EQ(call(c(), "get_user", R"({"user_id":424242})").status, AK_E_NOT_FOUND);
  EXPECT_EQ(call(c(), "update_user", R"({"user_id":424242,"first_name":"X"})").status, AK_E_NOT_FOUND);
  ASSERT_TRUE(call(c(), "create_user", user_json("taken@example.com")).ok());
  Outcome again = call(c(), "create_user", user_json("taken@example.com", "Other"));
  ASSERT_EQ(again.status, AK_E_VALIDATION) << again.describe();
  ASSERT_EQ(again.error.fields.size(), 1u);
  EXPECT_EQ(again.error.fields[0].path, "email");
  EXPECT_FALSE(contains(again.error.all_text(), kPassword));
}

TEST_F(ActivePlatformUsers, ALostCreateIsFoundByItsLoginThroughAFilteredListNotSentTwice) {
  add_faults(sb, R"({"vendor":"activeplatform","method":"POST","path":"/api/vendor/v1/users.json","kind":"drop_after_commit","count":1})");
  Outcome o = call(c(), "create_user", user_json("lost@example.com"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_EQ(o.get_string("email").value_or(""), "lost@example.com");
  size_t posts = 0, filtered = 0;
  for (const auto &e : sb.journal()) {
    if (e.path() != kUsersPath) continue;
    posts += e.method() == "POST";
    filtered += e.method() == "GET" && contains(e.member("query"), "lost@example.com");
  }
  EXPECT_EQ(posts, 1u);
  EXPECT_GE(filtered, 1u) << "the lookup asks for that login only";
}

TEST_F(ActivePlatformUsers, RulesAreCheckedLocally) {
  Outcome bad = call(c(), "create_user", R"({"first_name":"A","email":"not-an-email"})");
  ASSERT_EQ(bad.status, AK_E_VALIDATION) << bad.describe();
  EXPECT_EQ(sb.count(kUsersPath), 0u);
}

}  // namespace
