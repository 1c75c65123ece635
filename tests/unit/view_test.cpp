// The common account view (core/view.hpp): each vendor's table read on the
// records its get_account and list_accounts answer with (the shapes of the
// vendor docs' examples and of the sandbox), status normalisation, times to
// ISO 8601 UTC, secrets masked in the record, and the errors.
#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/view.hpp"

namespace {

using ak::Value;

Value view(const std::string &vendor, const std::string &record) {
  return ak::account_view(vendor, ak::parse_json(record));
}

std::string text(const Value &v, const char *key) {
  const Value *f = v.find(key);
  if (!f) return "<absent>";
  return f->is_null() ? "<null>" : f->is_string() ? f->as_string() : ak::to_json(*f);
}

std::string utc(const std::string &json) {
  auto t = ak::utc_time(ak::parse_json(json));
  return t ? *t : "<none>";
}

// The view's keys, in order, whatever the vendor.
const char *const kKeys[] = {"vendor",  "id",  "name",    "status",  "vendor_status", "email",
                             "country", "key", "created", "updated", "record"};

void expect_shape(const Value &v) {
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.as_object().size(), std::size(kKeys));
  for (size_t i = 0; i < std::size(kKeys); ++i) EXPECT_EQ(v.as_object()[i].first, kKeys[i]);
}

}  // namespace

TEST(View, Digital99ListItem) {
  // getAccounts lists create_time (unix seconds), account_id, account_status, reference [doc].
  Value v = view("99digital", R"({"create_time":1796216645,"account_name":"Acme","account_id":1000123,)"
                              R"("server":"online","account_status":"suspended","reference":"crm-42"})");
  expect_shape(v);
  EXPECT_EQ(text(v, "vendor"), "99digital");
  EXPECT_EQ(text(v, "id"), "1000123");
  EXPECT_EQ(text(v, "name"), "Acme");
  EXPECT_EQ(text(v, "status"), "suspended");
  EXPECT_EQ(text(v, "vendor_status"), "suspended");
  EXPECT_EQ(text(v, "key"), "crm-42");
  EXPECT_EQ(text(v, "created"), "2026-12-02T13:04:05Z");
  // The vendor lists no email, country or update time.
  EXPECT_EQ(text(v, "email"), "<null>");
  EXPECT_EQ(text(v, "country"), "<null>");
  EXPECT_EQ(text(v, "updated"), "<null>");
  EXPECT_EQ(text(*v.find("record"), "server"), "online");
}

TEST(View, Digital99UpdateAnswerAndEmptyReference) {
  // updateAccount answers account_status 1/0; a reference never given is "".
  Value v = view("99digital", R"({"account_id":1000123,"account_status":1,"reference":"","create_time":"1796216645"})");
  EXPECT_EQ(text(v, "status"), "active");
  EXPECT_EQ(text(v, "vendor_status"), "1");
  EXPECT_EQ(text(v, "key"), "<null>");
  EXPECT_EQ(text(v, "created"), "2026-12-02T13:04:05Z");  // seconds sent as a string
  EXPECT_EQ(text(view("99digital", R"({"account_status":0})"), "status"), "suspended");
}

TEST(View, ActivePlatformSeedAnswer) {
  // Seed 002's response model: times with an offset, the company name.
  Value v = view("activeplatform", R"({"id":505,"name":"Marcelo  Ivanou","primary_name":"ACME",)"
                                   R"("country":"BY","email":"m@acme.example","status":"credit hold",)"
                                   R"("custom_attributes":[{"key":"crm","value":"x"}],)"
                                   R"("created_at":"2019-10-15T13:08:36.440+03:00",)"
                                   R"("updated_at":"2019-10-18T15:52:57.884+03:00"})");
  expect_shape(v);
  EXPECT_EQ(text(v, "id"), "505");
  EXPECT_EQ(text(v, "name"), "ACME");
  EXPECT_EQ(text(v, "status"), "suspended");
  EXPECT_EQ(text(v, "vendor_status"), "credit hold");
  EXPECT_EQ(text(v, "email"), "m@acme.example");
  EXPECT_EQ(text(v, "country"), "BY");
  EXPECT_EQ(text(v, "key"), "<null>");  // no field is documented for the partner's key
  EXPECT_EQ(text(v, "created"), "2019-10-15T10:08:36Z");
  EXPECT_EQ(text(v, "updated"), "2019-10-18T12:52:57Z");
}

TEST(View, ActivePlatformStatusesAndPersonName) {
  // No company name: the contact person's name.
  Value v = view("activeplatform", R"({"id":7,"name":"Ada  Lovelace","primary_name":"","status":"Administrative Hold"})");
  EXPECT_EQ(text(v, "name"), "Ada  Lovelace");
  EXPECT_EQ(text(v, "status"), "suspended");
  EXPECT_EQ(text(view("activeplatform", R"({"status":"active"})"), "status"), "active");
  EXPECT_EQ(text(view("activeplatform", R"({"status":"deleted"})"), "status"), "deleted");
  EXPECT_EQ(text(view("activeplatform", R"({"status":"frozen"})"), "status"), "unknown");
  EXPECT_EQ(text(view("activeplatform", R"({"status":"frozen"})"), "vendor_status"), "frozen");
  EXPECT_EQ(text(view("activeplatform", R"({"id":7})"), "status"), "<null>");
}

TEST(View, ActivePlatformV3FlattenedAnswer) {
  // v3's get answer, flattened: v1's names (the list types the id as text).
  Value v = view("activeplatform-v3", R"({"id":"3001","reseller_id":1001,"name":"Ada Lovelace",)"
                                      R"("primary_name":"Analytical Engines","country":"GB","email":"ada@ae.example",)"
                                      R"("status":"active","created_at":"2024-02-29T23:30:00Z","updated_at":"2024-03-01"})");
  expect_shape(v);
  EXPECT_EQ(text(v, "vendor"), "activeplatform-v3");
  EXPECT_EQ(text(v, "id"), "3001");
  EXPECT_EQ(text(v, "name"), "Analytical Engines");
  EXPECT_EQ(text(v, "status"), "active");
  EXPECT_EQ(text(v, "email"), "ada@ae.example");
  EXPECT_EQ(text(v, "country"), "GB");
  EXPECT_EQ(text(v, "key"), "<null>");
  EXPECT_EQ(text(v, "created"), "2024-02-29T23:30:00Z");
  EXPECT_EQ(text(v, "updated"), "2024-03-01T00:00:00Z");
}

TEST(View, CommvaultAccount) {
  // Get Account by Id: timestamps without a zone (UTC), one admin contact.
  Value v = view("commvault", R"({"id":"7194AF6F-1285-4295-94AA-CEED7EA2D792","status":"deactivated",)"
                              R"("insertTs":"2021-06-07T21:16:48","updateTs":"2021-06-08T01:02:03",)"
                              R"("externalId":"XSP1234","name":"Acme ltd","provisionCountry":"US",)"
                              R"("contacts":[{"type":"admin","email":"it@acme.example","firstName":"A","lastName":"B"}]})");
  expect_shape(v);
  EXPECT_EQ(text(v, "id"), "7194AF6F-1285-4295-94AA-CEED7EA2D792");
  EXPECT_EQ(text(v, "name"), "Acme ltd");
  EXPECT_EQ(text(v, "status"), "suspended");
  EXPECT_EQ(text(v, "vendor_status"), "deactivated");
  EXPECT_EQ(text(v, "email"), "it@acme.example");
  EXPECT_EQ(text(v, "country"), "US");
  EXPECT_EQ(text(v, "key"), "XSP1234");
  EXPECT_EQ(text(v, "created"), "2021-06-07T21:16:48Z");
  EXPECT_EQ(text(v, "updated"), "2021-06-08T01:02:03Z");
}

TEST(View, CommvaultStatusesAndContactCountry) {
  for (auto [theirs, ours] : {std::pair{"active", "active"}, {"updating", "active"}, {"update_failure", "active"},
                              {"provisioning", "pending"}, {"activating", "pending"},
                              {"deactivating", "suspended"}, {"deactivated", "suspended"},
                              {"pending_delete", "unknown"}})
    EXPECT_EQ(text(view("commvault", std::string(R"({"status":")") + theirs + "\"}"), "status"), ours) << theirs;
  // No provisionCountry: the admin contact's address.
  Value v = view("commvault", R"({"contacts":[{"email":"x@y.example","address":{"country":"IL"}}]})");
  EXPECT_EQ(text(v, "country"), "IL");
  EXPECT_EQ(text(v, "email"), "x@y.example");
  EXPECT_EQ(text(view("commvault", R"({"contacts":[]})"), "email"), "<null>");
}

TEST(View, SecretsInTheRecordAreMasked) {
  Value v = view("99digital", R"({"account_id":1000123,"login":"https://x.example/once?t=abc"})");
  EXPECT_EQ(text(*v.find("record"), "login"), "***");
  EXPECT_EQ(text(*v.find("record"), "account_id"), "1000123");
}

TEST(View, Times) {
  EXPECT_EQ(utc("0"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utc("1796216645"), "2026-12-02T13:04:05Z");
  EXPECT_EQ(utc("1796216645.9"), "2026-12-02T13:04:05Z");
  EXPECT_EQ(utc(R"("2026-12-02T13:04:05Z")"), "2026-12-02T13:04:05Z");
  EXPECT_EQ(utc(R"("2026-12-02 13:04:05")"), "2026-12-02T13:04:05Z");
  EXPECT_EQ(utc(R"("2026-12-02T13:04")"), "2026-12-02T13:04:00Z");
  EXPECT_EQ(utc(R"("2026-12-02T01:04:05-0530")"), "2026-12-02T06:34:05Z");
  EXPECT_EQ(utc(R"("2026-12-02T01:04:05+05")"), "2026-12-01T20:04:05Z");
  EXPECT_EQ(utc(R"("2027-01-01T01:00:00.123456+02:00")"), "2026-12-31T23:00:00Z");
  for (const char *bad : {R"("")", R"("yesterday")", R"("2026-02-30")", R"("2026-12-02T24:00:00Z")",
                          R"("2026-12-02T13:04:05+0")", R"("2026-12-02T13:04:05Zjunk")", R"("2026-12-02T13:04:05.")",
                          "true", "null", "-99999999999", "99999999999999", R"("99999999999999999999999")"})
    EXPECT_EQ(utc(bad), "<none>") << bad;
  // A time that cannot be read is null in the view; the record keeps it.
  Value v = view("commvault", R"({"insertTs":"soon"})");
  EXPECT_EQ(text(v, "created"), "<null>");
  EXPECT_EQ(text(*v.find("record"), "insertTs"), "soon");
}

TEST(View, Errors) {
  try {
    view("nosuch", "{}");
    ADD_FAILURE() << "no error for an unknown vendor";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, ak::Status::InvalidArgument);
  }
  try {
    view("commvault", "[1]");
    ADD_FAILURE() << "no error for a record that is not an object";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, ak::Status::InvalidArgument);
    EXPECT_NE(e.message.find("JSON object"), std::string::npos) << e.message;
  }
}

TEST(View, EveryVendorReadsItsStatusAndId) {
  // A vendor added without a view would give nulls everywhere: every one
  // names at least where its id and status are, and its statuses.
  for (const ak::Vendor *v : ak::vendors()) {
    EXPECT_FALSE(v->account_view.id.empty()) << v->name;
    EXPECT_FALSE(v->account_view.status.empty()) << v->name;
    EXPECT_FALSE(v->account_view.statuses.empty()) << v->name;
    for (const auto &[theirs, ours] : v->account_view.statuses)
      EXPECT_TRUE(ours == "active" || ours == "suspended" || ours == "pending" || ours == "deleted")
          << v->name << ": " << theirs << " -> " << ours;
  }
}
