#include "sandbox/vendors/commvault_fulfillments.hpp"

#include "core/vendors/commvault/commvault.hpp"

namespace ak::sandbox {

using namespace commvault_wire;

namespace {

std::string text_of(const Value &v, const char *path) {
  const Value *x = get_path(v, path);
  return x && x->is_string() ? x->as_string() : std::string();
}

// What List Fulfillments shows of one: no request, but the account's externalId.
Value listed(const Value &f) {
  Object item{{"id", *f.find("id")}, {"status", *f.find("status")}};
  if (const Value *account = f.find("accountId")) item.emplace_back("accountId", *account);
  item.emplace_back("insertTs", *f.find("insertTs"));
  item.emplace_back("updateTs", *f.find("updateTs"));
  item.emplace_back("externalAccountId", text_of(f, "requestData.account.externalId"));
  item.emplace_back("type", "msp_create_account");
  item.emplace_back("userId", "sandbox-partner");
  return Value(std::move(item));
}

}  // namespace

Reply Fulfillments::submit(const std::string &text, Steady::time_point now) {
  Value body;
  if (auto refusal = refuse_body(*commvault().find("create_account"), "", text, body)) return std::move(*refusal);
  std::string key = text_of(body, "externalId");
  if (!key.empty() && by_external_id_.count(key))
    return error(400, kDuplicate, "externalId " + key + " is already used by another fulfillment");
  std::string id = random_uuid(rng_);
  std::string ts = now_utc();
  Entry e;
  e.data = Value(Object{{"id", id}, {"status", "submitted"}, {"insertTs", ts}, {"updateTs", ts}, {"requestData", body}});
  e.due = now + delay_;
  if (!key.empty()) by_external_id_[key] = id;
  Value answer = e.data;
  entries_[id] = std::move(e);
  return data(std::move(answer));
}

void Fulfillments::settle(Steady::time_point now) {
  for (auto &entry : entries_) {
    Entry &e = entry.second;
    if (!e.pending || now < e.due) continue;
    e.pending = false;
    const Value &account = *get_path(e.data, "requestData.account");
    if (text_of(account, "name").starts_with("FAIL")) {
      e.data.set("status", "failed");
    } else {
      e.data.set("accountId", provision_(account, now));
      e.data.set("status", "complete");
    }
    e.data.set("updateTs", now_utc());
  }
}

Reply Fulfillments::get(const std::string &id) const {
  auto it = entries_.find(lower(id));
  if (it == entries_.end()) return error(404, kNotFound, "Record not found");
  return data(it->second.data);
}

Reply Fulfillments::list(const Request &req) const {
  ListQuery q;
  if (auto refusal = ListQuery::parse(req, q)) return std::move(*refusal);
  std::vector<Value> items;
  for (const auto &entry : entries_)
    if (q.filter.empty() || text_of(entry.second.data, "status") == q.filter) items.push_back(listed(entry.second.data));
  std::vector<const Value *> hits;
  for (const auto &item : items) hits.push_back(&item);
  return q.page_of(std::move(hits));
}

}  // namespace ak::sandbox
