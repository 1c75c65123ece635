// The Commvault emulator's fulfillments (how accounts are created): Submit
// Fulfillment of type "New customer", Get Fulfillment by Id, List
// Fulfillments. Sandbox choices (docs/vendors/commvault.md, "Sandbox"):
//  - a fulfillment shows "submitted" for the emulator's delay, then
//    "complete" with the new account's accountId (the account itself is then
//    "provisioning" for the same delay), or "failed" when the account's name
//    starts with "FAIL" (no account is made);
//  - an externalId already used by a fulfillment is refused (400, our code
//    1009): the vendor says it must be unique in Metallic.
#pragma once

#include <functional>
#include <map>
#include <random>
#include <string>

#include "sandbox/vendors/commvault_wire.hpp"

namespace ak::sandbox {

class Fulfillments {
 public:
  // Makes the account a completed fulfillment asks for (its request's
  // "account" object); returns the new account's id.
  using Provision = std::function<std::string(const Value &account, commvault_wire::Steady::time_point now)>;

  explicit Fulfillments(Provision provision) : provision_(std::move(provision)) {}
  void set_delay(commvault_wire::milliseconds d) { delay_ = d; }

  // POST: the fulfillment accepted ("submitted"), or the refusal.
  Reply submit(const std::string &body, commvault_wire::Steady::time_point now);
  // GET by id (any case), with its request; 404 / 1006 when unknown.
  Reply get(const std::string &id) const;
  // GET the list: filter (by status), sort, pageNumber, pageSize.
  Reply list(const Request &req) const;
  // Moves on every fulfillment whose delay has passed (call before answering).
  void settle(commvault_wire::Steady::time_point now);

 private:
  struct Entry {
    Value data;  // as Get Fulfillment by Id shows it
    commvault_wire::Steady::time_point due{};
    bool pending = true;
  };
  Provision provision_;
  commvault_wire::milliseconds delay_{2000};
  std::map<std::string, Entry> entries_;  // by lower-case id
  std::map<std::string, std::string> by_external_id_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace ak::sandbox
