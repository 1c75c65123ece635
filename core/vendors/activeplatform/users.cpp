// ActivePlatform vendor API v1 users (docs.activeplatform.com, api-guide 6.0,
// "Users": create, get, update, list; "Accounts v1": a account's users).
// Answers are the user model: id, first_name, middle_name, last_name, email
// (the login), status (active or inactive across the user's accounts),
// custom_attributes, created_at, updated_at [doc].
#include "core/vendors/activeplatform/users.hpp"

#include "core/formats.hpp"
#include "core/vendors/activeplatform/shared.hpp"

namespace ak {

namespace {

using activeplatform_shared::custom_attributes;

constexpr const char *kUsers = "/api/vendor/v1/users.json";
constexpr const char *kUser = "/api/vendor/v1/users/{user_id}.json";
constexpr const char *kAccountUsers = "/api/vendor/v1/accounts/{account_id}/users.json";

Field user_id() { return Field::integer("user_id").gt0().path_param().req().describe("the user (path)"); }

// The password's rules are the installation's own settings [doc]: the vendor judges it.
Field password() { return Field::string("password").hidden().describe("the user's password (the installation's rules)"); }

Operation user_op(const char *name, OpKind kind, Method method, const char *path) {
  Operation op = operation(name, kind, method, path);
  op.result_id = "id";
  op.result_status = "status";
  return op;
}

Operation create_user() {
  Operation op = user_op("create_user", OpKind::Create, Method::Post, kUsers);
  op.request = Field::object("", {
      Field::string("first_name").req(),
      Field::string("middle_name"),
      Field::string("last_name").req(),
      password().req(),
      Field::string("email").fmt(formats::kEmail).req().describe("the user's login"),
      custom_attributes(),
  });
  // The email is the user's login [doc], so no two users share it [ours]: a
  // lost create is looked up by it (never generated: it is required).
  op.natural_key = "email";
  op.lookup_op = "list_users";
  op.lookup_filter = "filters.email";
  return op;
}

Operation get_user() {
  Operation op = user_op("get_user", OpKind::Read, Method::Get, kUser);
  op.id_field = "user_id";
  op.request = Field::object("", {user_id()});
  return op;
}

// Every field optional [doc]; the email (the login) cannot be changed here.
Operation update_user() {
  Operation op = user_op("update_user", OpKind::Update, Method::Put, kUser);
  op.id_field = "user_id";
  op.request = Field::object("", {
      user_id(),
      Field::string("first_name"),
      Field::string("middle_name"),
      Field::string("last_name"),
      password(),
      custom_attributes(),
  });
  return op;
}

Operation list_users() {
  Operation op = user_op("list_users", OpKind::List, Method::Get, kUsers);
  op.list_key = "users";  // a bare array, put here by decode()
  op.paging = {"page", "per_page", 1, 25, ""};
  op.request = Field::object("", {
      Field::integer("page").gt0().describe("1 is the first page"),
      Field::integer("per_page").gt0(),
      Field::object("sorting", {
          Field::string("field").req().describe("a user field, e.g. created_at"),
          Field::boolean("reversed"),
      }),
      Field::object("filters", {
          Field::string("status").values({"active", "inactive"}),
          Field::string("email"),
          Field::string("created_at"),
          Field::string("updated_at"),
      }),
  });
  return op;
}

// One answer with every user of the account: the docs show no paging [doc].
Operation list_account_users() {
  Operation op = user_op("list_account_users", OpKind::List, Method::Get, kAccountUsers);
  op.id_field = "account_id";
  op.list_key = "users";
  op.request = Field::object("", {activeplatform_shared::account_id()});
  return op;
}

}  // namespace

std::vector<Operation> activeplatform_user_operations() {
  return {create_user(), get_user(), update_user(), list_users(), list_account_users()};
}

}  // namespace ak
