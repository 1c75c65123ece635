// Desired state: what it takes to bring one vendor's accounts in line with
// the partner's own records (issue 17). A plan is made from the desired
// records and the accounts the vendor holds (their account views), with no
// I/O: the matching and diffing rules live here, once, for the CLI, the C API
// and every binding. The rules (docs/plan.md):
//
//  - Accounts are matched by the partner's own key (PartnerKey: a field of a
//    desired record and the view's "key" of an account, or the custom
//    attribute key_attribute names in both); never by name or email.
//  - No account with the key: create, unless the vendor is still creating
//    one (Reconcile::in_flight_op): conflict. One: compare. Several:
//    conflict (never guessed). A desired record without a key, or whose key another desired
//    record already has: conflict.
//  - A list of custom attributes (Reconcile::key_list) is compared by each
//    attribute's key, and updated to the account's attributes with the
//    desired ones set (whether the vendor merges or replaces the list).
//  - Compared are the desired fields (under Reconcile::compare_root) that the
//    account's record shows, secret (write-only) fields never; a field the
//    update operation takes becomes an update, one it does not take is shown
//    as drift that cannot be applied.
//  - A desired status ("active", "suspended") the view's status differs from
//    is a step of its own (Reconcile::to_status), or a conflict where the
//    vendor has no way to reach it.
//  - Accounts whose key no desired record has are "only at the vendor":
//    reported, and removed only when pruning and the vendor can
//    (Reconcile::remove_op); an account without a key is never removed.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/partner_key.hpp"
#include "core/vendor.hpp"

namespace ak {

struct DesiredAccount {
  std::size_t line = 0;  // where it came from (1-based record number), for messages
  Value fields;          // create_account's fields
  std::string status;    // "" (leave as it is), "active" or "suspended"
};

enum class PlanAction { Create, Update, Suspend, Resume, NoChange, Conflict, OnlyAtVendor, Remove };
const char *action_name(PlanAction a);  // "create", "update", ..., "only_at_vendor", "remove"

struct FieldChange {
  std::string field;  // path in the desired record: "account_name", "account.name"
  Value from, to;
  bool applied = true;  // false: the update operation does not take this field
};

struct PlanStep {
  PlanAction action = PlanAction::NoChange;
  std::string key;        // the partner's key ("" when missing)
  std::string id;         // the matched account ("" for a create)
  std::size_t line = 0;   // the desired record's (0 for an account only at the vendor)
  std::string operation;  // what applying runs ("" when nothing is run)
  Value fields;           // what applying sends (secret fields included: never print it)
  std::vector<FieldChange> changes;
  // What the plan read of the account and relies on (field path -> value,
  // "status" -> the view's status): applying refuses the step if the account
  // no longer shows these.
  Value expect;
  std::string reason;  // conflicts, only-at-vendor, drift that cannot be applied
};

// A plan made as the records come: every desired record first (add_desired,
// in order), then the vendor's accounts as they are listed (add_account:
// their views), then the steps (next). Each account is compared the moment
// it arrives and only its steps are kept, as compact JSON text, so memory
// grows with the desired records, not with the accounts or their trees.
class PlanBuilder {
 public:
  // key_attribute: the custom attribute that holds the partner's key, for a
  // vendor whose key is one (ActivePlatform); "" for the others. Throws
  // Error(InvalidArgument) when v's accounts cannot be matched that way
  // (PartnerKey).
  PlanBuilder(const Vendor &v, bool prune, const std::string &key_attribute = "");
  ~PlanBuilder();
  PlanBuilder(PlanBuilder &&) noexcept;
  PlanBuilder &operator=(PlanBuilder &&) noexcept;

  // Throws Error(InvalidArgument) for a status other than "", "active" or
  // "suspended", a line 0 or one another desired record has, or once
  // accounts are coming.
  void add_desired(DesiredAccount d);
  // Throws Error(InvalidArgument) once steps are taken. For a vendor whose
  // key is a custom attribute, the key is read from the view's "record"
  // (so a view made without key_attribute matches all the same).
  void add_account(const Value &view);
  // Whether the vendor's creates in flight must be read (Reconcile::
  // in_flight_op): the vendor lists them and, with every account added, a
  // desired record would be created. Then each item of that listing is
  // add_in_flight's: a desired record whose account is on its way becomes a
  // conflict ("plan again once it settles"), never a second create.
  bool wants_in_flight() const;
  // Throws Error(InvalidArgument) for a vendor without such a listing, an
  // item that is no object, or once steps are taken.
  void add_in_flight(const Value &item);
  // Once every account was added: the plan's steps one at a time (the
  // desired records' in their order, then the accounts only at the vendor in
  // the order they came), each record's storage released as its steps are
  // taken; nullopt after the last. No account can be added after the first.
  std::optional<PlanStep> next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The plan for vendor v: desired records against current (account views,
// core/view.hpp's shape: "id", "key", "status", "record") and in_flight (the
// items of Reconcile::in_flight_op's listing). Steps come in the
// order of desired, then the accounts only at the vendor in the order of
// current. prune: remove those (where the vendor can and they carry a key).
// key_attribute as for PlanBuilder. Throws Error(InvalidArgument) when v's
// accounts cannot be matched.
std::vector<PlanStep> make_plan(const Vendor &v, const std::vector<DesiredAccount> &desired,
                                const std::vector<Value> &current, bool prune,
                                const std::vector<Value> &in_flight = {}, const std::string &key_attribute = "");

// A step as JSON for a plan file or a display: secret fields masked ("***"),
// so a plan file never holds a password (applying takes them from the
// desired record on line `line`).
Value plan_step_json(const Vendor &v, const PlanStep &step);

// Whether the account (its view now) still shows what a step relied on
// (PlanStep::expect, or a plan file step's "expect"): "" when it does, else
// what changed ("account_name is now \"B\", the plan read \"A\""). Applying
// refuses such a step unless told to refresh (plan again).
std::string changed_since(const Value &expect, const Value &view);

}  // namespace ak
