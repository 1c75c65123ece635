// 99digital Workflow Builder (docs: partners-api/builder/create-a-new-builder,
// get-builders-list, login-to-a-builder). A builder's URL is what
// update_account's builder_url takes.
#include "core/formats.hpp"
#include "core/vendors/digital99/ops.hpp"
#include "core/vendors/digital99/reference.hpp"

namespace ak::digital99_ops {

// createBuilder. No natural key [ours]: getBuilders' sample lists no
// reference (only its field table names one) and calls the name "client", so
// a create whose answer was lost is "outcome unknown", never resent.
Operation create_builder() {
  Operation op = operation("create_builder", OpKind::Create, Method::Post, "/api/builder/createBuilder");
  op.result_id = "builderID";
  op.request = Field::object("", {
      Field::string("client_name").max(100).req().describe("your name for the client the builder is for"),
      Field::string("reference").max(50).fmt(digital99_formats::kReference)
          .describe("your key for this builder (letters of any script and digits); sent back on the webhook"),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      {20, Status::Validation, {"reference"}, "reference is invalid"},
      {30, Status::Validation, {"client_name"}, "client_name is invalid"},
      // As createAccount's 31: the builder may exist [ours].
      {31, Status::Vendor, {}, "the vendor failed to create the builder; try again or contact support", true, true},
  };
  return op;
}

// getBuilders: one answer holds every builder (no paging) [doc].
Operation list_builders() {
  Operation op = operation("list_builders", OpKind::List, Method::Get, "/api/builder/getBuilders");
  op.list_key = "list";
  op.result_id = "builderID";  // of each item, sent as a string [doc]
  op.request = Field::object("", {});
  op.reasons = {wrong_credentials(), token_expired(), wrong_method()};
  return op;
}

// loginBuilder: a temporary link that opens the builder without its email,
// password and 2FA, to be used within 5 minutes [doc]. A read [ours], like
// login_agent: it changes nothing and a resent request only issues another
// link. The link is "login", a secret key of this vendor.
Operation login_builder() {
  Operation op = operation("login_builder", OpKind::Read, Method::Post, "/api/builder/loginBuilder");
  op.id_field = "builderID";
  op.result_id = "builderID";
  op.request = Field::object("", {
      Field::integer("builderID").gt0().req().describe("the builder to open (an id from create_builder or list_builders)"),
  });
  op.reasons = {
      wrong_credentials(), token_expired(), wrong_method(),
      // "empty or wrong": local validation catches empty, so the vendor's 29 means unknown [ours].
      {29, Status::NotFound, {"builderID"}, "builderID is empty or wrong"},
  };
  return op;
}

}  // namespace ak::digital99_ops
