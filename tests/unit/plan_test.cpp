// Plan rules (core/plan.hpp), without a network: desired records against
// account views, for every outcome: create, update (only what differs, with
// the fields the update requires), suspend and resume, no change, conflicts
// (a key several accounts carry, a missing key, a key two records give, a
// status the vendor cannot reach or an account still settling), drift the
// update cannot apply, accounts only at the vendor (removed only when pruning
// and only with a key), secrets never compared and masked in the plan's JSON.
#include <gtest/gtest.h>

#include "core/api.hpp"
#include "core/plan.hpp"

namespace {

using namespace ak;

Value json(std::string_view text) { return api::value_from_json(text); }

// An account view as core/view.hpp gives it (what the planner reads of it).
Value view(const std::string &id, const std::string &key, const std::string &status, std::string_view record) {
  Value v = Value::object();
  v.set("id", id);
  v.set("key", key.empty() ? Value() : Value(key));
  v.set("status", status);
  v.set("record", json(record));
  return v;
}

DesiredAccount desired(std::size_t line, std::string_view fields, std::string status = "") {
  return {line, json(fields), std::move(status)};
}

const Vendor &vendor(const char *name) { return *find_vendor(name); }

std::string nn(const std::string &ref, const std::string &name) {
  return R"({"account_name":")" + name + R"(","agents":5,"inboxes":2,"admin_email":"a@b.example","admin_name":"Ada",)"
         R"("admin_displayName":"Ada","admin_password":"Str0ng!pass","reference":")" + ref + R"("})";
}

std::string nn_record(int id, const std::string &ref, const std::string &name, const std::string &status = "active") {
  return R"({"account_id":)" + std::to_string(id) + R"(,"server":"online","account_name":")" + name +
         R"(","account_status":")" + status + R"(","reference":")" + ref + R"("})";
}

TEST(Plan, Digital99EveryOutcome) {
  std::vector<DesiredAccount> want = {
      desired(1, nn("new-1", "New Ltd")),
      desired(2, nn("same-2", "Same Ltd")),
      desired(3, nn("renamed-3", "Renamed Ltd")),
      desired(4, nn("twice-4", "Twice Ltd")),
      desired(5, R"({"account_name":"No Key Ltd"})"),
      desired(6, nn("same-2", "Again Ltd")),
      desired(7, nn("sleep-7", "Sleep Ltd"), "suspended"),
      desired(8, nn("wake-8", "Wake Ltd"), "active"),
  };
  std::vector<Value> have = {
      view("1002", "same-2", "active", nn_record(1002, "same-2", "Same Ltd")),
      view("1003", "renamed-3", "active", nn_record(1003, "renamed-3", "Old Name Ltd")),
      view("1004", "twice-4", "active", nn_record(1004, "twice-4", "Twice Ltd")),
      view("1005", "twice-4", "active", nn_record(1005, "twice-4", "Twice Ltd")),
      view("1007", "sleep-7", "active", nn_record(1007, "sleep-7", "Sleep Ltd")),
      view("1008", "wake-8", "suspended", nn_record(1008, "wake-8", "Wake Ltd", "suspended")),
      view("1009", "gone-9", "active", nn_record(1009, "gone-9", "Gone Ltd")),
      view("1010", "", "active", R"({"account_id":1010,"account_name":"Not Ours"})"),
  };
  const Vendor &v = vendor("99digital");
  std::vector<PlanStep> plan = make_plan(v, want, have, false);
  ASSERT_EQ(plan.size(), 10u);

  EXPECT_EQ(plan[0].action, PlanAction::Create);
  EXPECT_EQ(plan[0].operation, "create_account");
  EXPECT_EQ(plan[0].fields, want[0].fields) << "a create sends the record, password included";
  EXPECT_EQ(to_json(*plan_step_json(v, plan[0]).find("fields")->find("admin_password")), "\"***\"");

  EXPECT_EQ(plan[1].action, PlanAction::NoChange);
  EXPECT_EQ(plan[1].id, "1002");
  EXPECT_TRUE(plan[1].changes.empty());

  EXPECT_EQ(plan[2].action, PlanAction::Update);
  EXPECT_EQ(to_json(plan[2].fields), R"({"account_id":1003,"server":"online","account_name":"Renamed Ltd"})");
  ASSERT_EQ(plan[2].changes.size(), 1u);
  EXPECT_EQ(plan[2].changes[0].field, "account_name");
  EXPECT_EQ(plan[2].changes[0].from, Value("Old Name Ltd"));
  EXPECT_EQ(to_json(plan[2].expect), R"({"account_name":"Old Name Ltd"})");

  EXPECT_EQ(plan[3].action, PlanAction::Conflict);
  EXPECT_EQ(plan[3].reason, "2 accounts carry this key: 1004, 1005");
  EXPECT_EQ(plan[4].action, PlanAction::Conflict);
  EXPECT_EQ(plan[4].reason, "the record has no reference: it cannot be matched, so it is not created");
  EXPECT_EQ(plan[5].action, PlanAction::Conflict);
  EXPECT_EQ(plan[5].reason, "reference \"same-2\" is also the key of record 2");

  EXPECT_EQ(plan[6].action, PlanAction::Suspend);
  // update_account requires the server: the account's record gives it.
  EXPECT_EQ(to_json(plan[6].fields), R"({"account_id":1007,"server":"online","account_status":0})");
  EXPECT_EQ(to_json(plan[6].expect), R"({"status":"active"})");
  EXPECT_EQ(plan[7].action, PlanAction::Resume);
  EXPECT_EQ(to_json(plan[7].fields), R"({"account_id":1008,"server":"online","account_status":1})");

  EXPECT_EQ(plan[8].action, PlanAction::OnlyAtVendor);
  EXPECT_EQ(plan[8].id, "1009");
  EXPECT_EQ(plan[8].reason, "no desired record has this key (removed only when pruning)");
  EXPECT_EQ(plan[9].action, PlanAction::OnlyAtVendor);
  EXPECT_EQ(plan[9].reason, "no reference: not one of the partner's accounts, never removed");

  // Pruning removes the one with a key, never the one without.
  std::vector<PlanStep> pruned = make_plan(v, want, have, true);
  EXPECT_EQ(pruned[8].action, PlanAction::Remove);
  EXPECT_EQ(to_json(pruned[8].fields), R"({"accountID":1009})");
  EXPECT_EQ(pruned[9].action, PlanAction::OnlyAtVendor);
}

TEST(Plan, NumbersCompareByValueAndUnshownFieldsAreNotCompared) {
  // agents and inboxes are not in the listed record: nothing to compare, no change.
  std::vector<PlanStep> plan = make_plan(vendor("99digital"), {desired(1, nn("r1", "Acme"))},
                                         {view("1", "r1", "active", nn_record(1, "r1", "Acme"))}, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].action, PlanAction::NoChange);
  EXPECT_EQ(to_json(plan[0].expect), R"({"account_name":"Acme"})") << "only what was compared is expected";
}

std::string cv(const std::string &ext, const std::string &name, const std::string &email) {
  return R"({"account":{"externalId":")" + ext + R"(","name":")" + name + R"(","contacts":[{"email":")" + email +
         R"(","firstName":"Ada","lastName":"Admin"}]},"service":{"skus":[{"sku":"MET-M365-BASIC"}]}})";
}

std::string cv_record(const std::string &ext, const std::string &name, const std::string &email) {
  return R"({"id":"u-)" + ext + R"(","externalId":")" + ext + R"(","name":")" + name + R"(","status":"active",)"
         R"("contacts":[{"email":")" + email + R"(","firstName":"Ada","lastName":"Admin"}]})";
}

TEST(Plan, CommvaultComparesTheAccountPartAndUsesItsStatusOperations) {
  const Vendor &v = vendor("commvault");
  std::vector<DesiredAccount> want = {
      desired(1, cv("X1", "Renamed", "a@x1.example")),
      desired(2, cv("X2", "Same", "new@x2.example")),
      desired(3, cv("X3", "Sleepy", "a@x3.example"), "suspended"),
      desired(4, cv("X4", "Settling", "a@x4.example"), "active"),
  };
  std::vector<Value> have = {
      view("u-X1", "X1", "active", cv_record("X1", "Old", "a@x1.example")),
      view("u-X2", "X2", "active", cv_record("X2", "Same", "old@x2.example")),
      view("u-X3", "X3", "active", cv_record("X3", "Sleepy", "a@x3.example")),
      view("u-X4", "X4", "pending", cv_record("X4", "Settling", "a@x4.example")),
  };
  std::vector<PlanStep> plan = make_plan(v, want, have, true);
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].action, PlanAction::Update);
  ASSERT_EQ(plan[0].changes.size(), 1u);
  EXPECT_EQ(plan[0].changes[0].field, "account.name");
  // The update sends what update_account requires (externalId, name, contacts) and the change.
  EXPECT_EQ(to_json(plan[0].fields),
            R"({"id":"u-X1","externalId":"X1","name":"Renamed","contacts":[{"email":"a@x1.example","firstName":"Ada","lastName":"Admin"}]})");
  EXPECT_EQ(plan[1].action, PlanAction::Update);
  ASSERT_EQ(plan[1].changes.size(), 1u);
  EXPECT_EQ(plan[1].changes[0].field, "account.contacts");
  EXPECT_EQ(plan[2].action, PlanAction::Suspend);
  EXPECT_EQ(plan[2].operation, "deactivate_account");
  EXPECT_EQ(to_json(plan[2].fields), R"({"id":"u-X3","disableLogin":true})") << "deactivate needs a flag";
  EXPECT_EQ(plan[3].action, PlanAction::Conflict);
  EXPECT_EQ(plan[3].reason, "the account is pending, not active: plan again once it settles");
}

// A vendor without a key field is planned only by a custom attribute, which
// only a vendor whose create sets such attributes takes.
TEST(Plan, AVendorWithoutAPartnerKeyFieldNeedsAKeyAttribute) {
  for (const Vendor *v : vendors()) {
    if (!v->reconcile.key_field.empty()) continue;
    try {
      make_plan(*v, {}, {}, false);
      ADD_FAILURE() << v->name << " was planned";
    } catch (const Error &e) {
      EXPECT_EQ(e.status, Status::InvalidArgument);
      const char *why = v->reconcile.key_list.empty() ? "documents no field for your own key" : "without key_attribute";
      EXPECT_NE(e.message.find(why), std::string::npos) << e.message;
    }
    if (v->reconcile.key_list.empty()) continue;
    EXPECT_NE(api::operation(*v, "create_account").request.member(v->reconcile.key_list), nullptr) << v->name;
    EXPECT_NO_THROW(make_plan(*v, {}, {}, false, {}, "partner_id")) << v->name;
  }
}

// Every vendor's reconcile rules name operations it has, with an id field.
TEST(Plan, ReconcileTablesNameRealOperations) {
  for (const Vendor *v : vendors()) {
    const Reconcile &r = v->reconcile;
    if (r.key_field.empty() && r.key_list.empty()) continue;
    EXPECT_NE(v->find("create_account"), nullptr) << v->name;
    for (const auto &to : r.to_status) {
      const Operation *op = v->find(to.operation);
      ASSERT_NE(op, nullptr) << v->name << " " << to.operation;
      EXPECT_FALSE(op->id_field.empty()) << v->name << " " << to.operation;
    }
    if (!r.remove_op.empty()) {
      EXPECT_NE(v->find(r.remove_op), nullptr) << v->name << " " << r.remove_op;
    }
  }
}

TEST(Plan, WhatAStepSendsIsShapedByItsOperation) {
  // The account shows a contact's "type" and create_account takes it; update_account does not.
  const Vendor &v = vendor("commvault");
  const std::string contact = R"({"type":"admin","email":"a@x1.example","firstName":"Ada","lastName":"Admin"})";
  Value want = json(R"({"account":{"externalId":"X1","name":"Renamed","contacts":[)" + contact + "]}}");
  Value have = view("u-X1", "X1", "active",
                    R"({"id":"u-X1","externalId":"X1","name":"Old","status":"active","contacts":[)" + contact + "]}");
  std::vector<PlanStep> plan = make_plan(v, {{1, want, ""}}, {have, view("u-X9", "X9", "active", "{}")}, true);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(to_json(plan[0].fields),
            R"({"id":"u-X1","externalId":"X1","name":"Renamed","contacts":[{"email":"a@x1.example","firstName":"Ada","lastName":"Admin"}]})");
  // Pruning deactivates with every flag (deactivate_account needs at least one).
  EXPECT_EQ(plan[1].action, PlanAction::Remove);
  EXPECT_EQ(to_json(plan[1].fields), R"({"id":"u-X9","disableLogin":true,"disableBackup":true,"disableRestore":true})");
}

TEST(Plan, AStepIsStaleWhenTheAccountNoLongerShowsWhatThePlanRead) {
  Value expect = json(R"({"account_name":"Old","status":"active","agents":5})");
  Value same = view("1", "r", "active", R"({"account_name":"Old","agents":5.0})");
  EXPECT_EQ(changed_since(expect, same), "");
  Value moved = view("1", "r", "suspended", R"({"account_name":"New"})");
  EXPECT_EQ(changed_since(expect, moved),
            R"(account_name is now "New", the plan read "Old"; status is now "suspended", the plan read "active"; )"
            R"(agents is gone, the plan read 5)");
}

}  // namespace

// The builder keeps what it has not handed over as text and hands the steps
// over one at a time: the same steps as make_plan, three accounts on one key
// named in the conflict, and no account taken once the steps are.
TEST(PlanBuilder, StepsComeOneAtATimeAsMakePlanGivesThem) {
  const Vendor &v = vendor("99digital");
  std::vector<DesiredAccount> want = {desired(1, nn("k1", "Renamed")), desired(2, nn("k2", "Two")),
                                      desired(3, nn("k3", "Three"), "suspended")};
  std::vector<Value> have = {view("11", "k1", "active", nn_record(11, "k1", "Old")),
                             view("21", "k2", "active", nn_record(21, "k2", "Two")),
                             view("22", "k2", "active", nn_record(22, "k2", "Two")),
                             view("23", "k2", "active", nn_record(23, "k2", "Two")),
                             view("31", "k3", "active", nn_record(31, "k3", "Three")),
                             view("41", "k4", "active", nn_record(41, "k4", "Four"))};
  PlanBuilder builder(v, true);
  for (const DesiredAccount &d : want) builder.add_desired(d);
  for (const Value &account : have) builder.add_account(account);
  std::vector<PlanStep> steps;
  while (auto step = builder.next()) steps.push_back(std::move(*step));
  EXPECT_FALSE(builder.next()) << "nothing after the last step";
  EXPECT_THROW(builder.add_account(have[0]), Error) << "accounts come before the steps";

  std::vector<PlanStep> made = make_plan(v, want, have, true);
  ASSERT_EQ(steps.size(), 4u);
  ASSERT_EQ(made.size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(to_json(plan_step_json(v, steps[i])), to_json(plan_step_json(v, made[i])));
    EXPECT_EQ(steps[i].fields, made[i].fields) << "what a step sends survives being kept as text";
  }
  EXPECT_EQ(steps[0].action, PlanAction::Update);
  EXPECT_EQ(steps[1].reason, "3 accounts carry this key: 21, 22, 23");
  EXPECT_EQ(steps[2].action, PlanAction::Suspend);
  EXPECT_EQ(steps[3].action, PlanAction::Remove);
  EXPECT_EQ(steps[3].id, "41");
}

// A Commvault account appears only once its fulfillment is complete: a
// desired record whose fulfillment is still in flight is a conflict, never a
// second create; a complete or failed one leaves the create as it is, and an
// account already listed needs no fulfillment read at all.
TEST(PlanBuilder, ACommvaultCreateInFlightIsNotCreatedAgain) {
  const Vendor &v = vendor("commvault");
  auto fulfillment = [](const char *id, const char *status, const char *key) {
    return json(std::string(R"({"id":")") + id + R"(","status":")" + status +
                R"(","type":"msp_create_account","externalAccountId":")" + key + R"("})");
  };
  PlanBuilder builder(v, false);
  builder.add_desired(desired(1, cv("F1", "Flying", "a@f1.example")));
  builder.add_desired(desired(2, cv("F2", "Done", "a@f2.example")));
  builder.add_desired(desired(3, cv("F3", "Failed", "a@f3.example")));
  builder.add_desired(desired(4, cv("F4", "Listed", "a@f4.example")));
  builder.add_account(view("u-F4", "F4", "active", cv_record("F4", "Listed", "a@f4.example")));
  EXPECT_TRUE(builder.wants_in_flight()) << "three records would be created";
  builder.add_in_flight(fulfillment("ful-1", "submitted", "F1"));
  builder.add_in_flight(fulfillment("ful-2", "complete", "F2"));
  builder.add_in_flight(fulfillment("ful-3", "failed", "F3"));
  builder.add_in_flight(fulfillment("ful-4", "submitted", "F4"));
  builder.add_in_flight(fulfillment("ful-9", "submitted", "nobody's"));
  std::vector<PlanStep> steps;
  while (auto step = builder.next()) steps.push_back(std::move(*step));
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].action, PlanAction::Conflict);
  EXPECT_EQ(steps[0].reason,
            "its account is being created (get_fulfillment ful-1 is submitted): plan again once it settles");
  EXPECT_EQ(steps[1].action, PlanAction::Create);
  EXPECT_EQ(steps[2].action, PlanAction::Create);
  EXPECT_EQ(steps[3].action, PlanAction::NoChange) << "an account listed is compared, whatever is in flight";

  PlanBuilder all_listed(v, false);
  all_listed.add_desired(desired(1, cv("F4", "Listed", "a@f4.example")));
  all_listed.add_account(view("u-F4", "F4", "active", cv_record("F4", "Listed", "a@f4.example")));
  EXPECT_FALSE(all_listed.wants_in_flight()) << "nothing to create: no fulfillment is read";
  PlanBuilder no_such_listing(vendor("99digital"), false);
  no_such_listing.add_desired(desired(1, nn("n1", "New")));
  EXPECT_FALSE(no_such_listing.wants_in_flight()) << "99digital creates at once";
  try {
    no_such_listing.add_in_flight(fulfillment("ful-1", "submitted", "n1"));
    ADD_FAILURE() << "99digital takes no create in flight";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "plan: 99digital lists no creates in flight (it creates at once)");
  }
  PlanBuilder odd(v, false);
  EXPECT_THROW(odd.add_in_flight(Value(5)), Error) << "an item is an object";
}

// A Commvault account shows each contact's "type"; a desired contact that
// does not give it is the same contact (update_account cannot send "type",
// so a plan that called it a change would never come to rest). A contact
// list of another length, or another email, is a change.
TEST(Plan, AnArrayElementShowsTheWantedMembersItHas) {
  const Vendor &v = vendor("commvault");
  auto record = [](const std::string &contacts) {
    return R"({"id":"u-X1","externalId":"X1","name":"Same","status":"active","contacts":)" + contacts + "}";
  };
  const std::string typed = R"([{"type":"admin","email":"a@x1.example","firstName":"Ada","lastName":"Admin"}])";
  std::vector<DesiredAccount> want = {desired(1, cv("X1", "Same", "a@x1.example"))};
  EXPECT_EQ(make_plan(v, want, {view("u-X1", "X1", "active", record(typed))}, false)[0].action, PlanAction::NoChange);
  std::vector<DesiredAccount> moved = {desired(1, cv("X1", "Same", "b@x1.example"))};
  EXPECT_EQ(make_plan(v, moved, {view("u-X1", "X1", "active", record(typed))}, false)[0].action, PlanAction::Update);
  const std::string two = R"([{"email":"a@x1.example","firstName":"Ada","lastName":"Admin"},)"
                          R"({"email":"c@x1.example","firstName":"Cy","lastName":"Admin"}])";
  EXPECT_EQ(make_plan(v, want, {view("u-X1", "X1", "active", record(two))}, false)[0].action, PlanAction::Update);
}

// Each desired line is one record's, in whatever order the lines come.
TEST(PlanBuilder, ALineIsOneRecords) {
  PlanBuilder builder(vendor("99digital"), false);
  builder.add_desired(desired(5, nn("k5", "Five")));
  builder.add_desired(desired(3, nn("k3", "Three")));  // falling: fine while new
  builder.add_desired(desired(9, nn("k9", "Nine")));
  EXPECT_THROW(builder.add_desired(desired(5, nn("k6", "Again"))), Error);
  EXPECT_THROW(builder.add_desired(desired(0, nn("k0", "Zero"))), Error);
  PlanBuilder rising(vendor("99digital"), false);
  for (std::size_t line = 1; line <= 3; ++line) rising.add_desired(desired(line, nn("r" + std::to_string(line), "R")));
  EXPECT_THROW(rising.add_desired(desired(2, nn("r9", "R"))), Error);
}
