// The conformance cases (tests/conformance/*.json, README.md there) through
// the public C API of the shared library, against one sandbox over loopback.
// Cases run in order on one sandbox (later cases see what earlier ones
// created), so every kind of case is one test that reports each failing case
// by name. View and plan cases need no sandbox: ak_account_view and ak_plan
// are pure. simdjson reads the case files, the journal and those answers.
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string json_text(element e) { return simdjson::minify(e); }

// Copies of an array's elements and an object's members (iterating simdjson's
// temporaries directly trips GCC's dangling-pointer warning).
std::vector<element> items(element e) {
  simdjson::dom::array a = e.get_array().value();
  std::vector<element> out;
  for (element x : a) out.push_back(x);
  return out;
}
std::vector<std::pair<std::string, element>> members(element e) {
  simdjson::dom::object o = e.get_object().value();
  std::vector<std::pair<std::string, element>> out;
  for (simdjson::dom::key_value_pair m : o) out.emplace_back(std::string(m.key), m.value);
  return out;
}

// ---- the cases ------------------------------------------------------------------

struct Case {
  std::string file;
  element json;
  std::string name() const { return file + ": " + std::string(json["name"].get_string().value()); }
  std::string kind() const {
    auto k = json["kind"];
    return k.error() ? "operation" : std::string(k.get_string().value());
  }
  std::optional<element> member(const char *key) const {
    auto v = json[key];
    if (v.error()) return std::nullopt;
    return v.value();
  }
  std::string text(const char *key) const { return std::string(json[key].get_string().value()); }
};

struct Cases {
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;  // own the documents
  std::vector<Case> all;
};

const Cases &cases() {
  static const Cases loaded = [] {
    Cases out;
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(AK_CONFORMANCE_DIR))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto &path : files) {
      auto parser = std::make_unique<simdjson::dom::parser>();
      element doc = parser->load(path.string()).value();  // a bad case file fails loudly
      for (element c : items(doc["cases"].value())) out.all.push_back({path.filename().string(), c});
      out.parsers.push_back(std::move(parser));
    }
    return out;
  }();
  return loaded;
}

std::vector<const Case *> of_kind(const std::string &kind) {
  std::vector<const Case *> out;
  for (const auto &c : cases().all)
    if (c.kind() == kind) out.push_back(&c);
  return out;
}

// Deep equality; objects compare as sets of members, numbers by value.
bool same(element a, element b) {
  auto number = [](element e) { return e.is_int64() || e.is_uint64() || e.is_double(); };
  if (number(a) && number(b)) return a.get_double().value() == b.get_double().value();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case element_type::ARRAY: {
      auto x = a.get_array().value(), y = b.get_array().value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!same(x.at(i).value(), y.at(i).value())) return false;
      return true;
    }
    case element_type::OBJECT: {
      simdjson::dom::object x = a.get_object().value(), y = b.get_object().value();
      if (x.size() != y.size()) return false;
      for (const auto &[k, v] : members(a)) {
        auto other = y[k];
        if (other.error() || !same(v, other.value())) return false;
      }
      return true;
    }
    case element_type::STRING: return a.get_string().value() == b.get_string().value();
    case element_type::BOOL: return a.get_bool().value() == b.get_bool().value();
    default: return true;  // null
  }
}

// ---- outcomes -------------------------------------------------------------------

struct Outcome {
  std::string status = "ok";
  std::string message, raw_body, result_id;
  std::vector<std::pair<std::string, std::string>> fields;  // path, rule
  std::string field_messages;
};

Outcome outcome(ak_status s, ak_error *err) {
  Outcome o;
  const char *name = ak_status_name(s);
  o.status = name ? name : "status " + std::to_string(s);
  if (err) {
    o.message = ak_error_message(err);
    o.raw_body = ak_error_raw_body(err);
    for (size_t i = 0; i < ak_error_field_count(err); ++i) {
      o.fields.emplace_back(ak_error_field_path(err, i), ak_error_field_rule(err, i));
      o.field_messages += std::string(ak_error_field_message(err, i)) + "\n";
    }
    EXPECT_EQ(ak_error_code(err), s) << "the error object's code differs from the status returned";
    EXPECT_STREQ(ak_error_category(err), name);
  }
  ak_error_free(err);
  return o;
}

std::string describe(const Outcome &o) {
  std::string s = o.status + " \"" + o.message + "\"";
  for (const auto &[path, rule] : o.fields) s += " [" + path + " " + rule + "]";
  return s;
}

// Checks o against an expectation object; returns the differences ("" when none).
std::string differences(const Outcome &o, element want) {
  std::string diff;
  std::string status(want["status"].get_string().value());
  if (o.status != status) diff += "status " + o.status + ", want " + status + "; ";
  if (auto fields = want["fields"]; !fields.error()) {
    std::vector<std::pair<std::string, std::string>> expected;
    for (element f : items(fields.value())) {
      auto pair = f.get_array().value();
      expected.emplace_back(std::string(pair.at(0).get_string().value()), std::string(pair.at(1).get_string().value()));
    }
    if (expected != o.fields) {
      diff += "fields differ, want";
      for (const auto &[p, r] : expected) diff += " [" + p + " " + r + "]";
      diff += "; ";
    }
  }
  if (auto has = want["message_has"]; !has.error())
    for (element h : items(has.value()))
      if (o.message.find(h.get_string().value()) == std::string::npos)
        diff += "message lacks \"" + std::string(h.get_string().value()) + "\"; ";
  if (auto id = want["result_id"]; !id.error() && o.result_id != id.get_string().value())
    diff += "result id \"" + o.result_id + "\", want \"" + std::string(id.get_string().value()) + "\"; ";
  return diff.empty() ? diff : diff + "got " + describe(o);
}

// ---- the front end under test: the C API ---------------------------------------

struct Runner {
  ak_sandbox *sb = nullptr;
  std::map<std::string, ak_client *> clients;

  Runner() {
    EXPECT_EQ(ak_sandbox_new(&sb, nullptr), AK_OK);
    EXPECT_EQ(ak_sandbox_start(sb, 0, nullptr), AK_OK);
  }
  ~Runner() {
    for (auto &[_, c] : clients) ak_client_free(c);
    ak_sandbox_free(sb);
  }

  // The case's fields with its positional id bound; a failure is the outcome.
  std::optional<Outcome> fields(const Case &c, ak_fields **out) {
    *out = nullptr;
    ak_error *err = nullptr;
    if (auto f = c.member("fields")) {
      std::string text = json_text(*f);
      if (ak_status s = ak_fields_from_json(out, text.data(), text.size(), &err)) return outcome(s, err);
    }
    if (auto id = c.member("id")) {
      if (!*out && ak_fields_new(out, nullptr) != AK_OK) {
        Outcome o;
        o.status = "no_memory";
        return o;
      }
      std::string text = id->is_string() ? std::string(id->get_string().value()) : json_text(*id);
      if (ak_status s = ak_fields_set_id(*out, c.text("vendor").c_str(), c.text("operation").c_str(), text.c_str(), &err))
        return outcome(s, err);
    }
    return std::nullopt;
  }

  Outcome validate(const Case &c) {
    ak_fields *f = nullptr;
    if (auto failed = fields(c, &f)) {
      ak_fields_free(f);
      return *failed;
    }
    ak_error *err = nullptr;
    ak_status s = ak_validate(c.text("vendor").c_str(), c.text("operation").c_str(), f, &err);
    ak_fields_free(f);
    return outcome(s, err);
  }

  // The client of vendor pointed at the sandbox; a failure to make it is the outcome.
  std::optional<Outcome> client(const std::string &vendor, ak_client **out) {
    if (auto it = clients.find(vendor); it != clients.end()) return *out = it->second, std::nullopt;
    ak_error *err = nullptr;
    if (ak_status s = ak_client_new(out, vendor.c_str(), &err)) return outcome(s, err);
    EXPECT_EQ(ak_sandbox_configure_client(sb, *out, nullptr), AK_OK);
    clients[vendor] = *out;
    return std::nullopt;
  }

  Outcome call(const Case &c, ak_result **kept = nullptr) {
    ak_client *cl = nullptr;
    if (auto failed = client(c.text("vendor"), &cl)) return *failed;
    ak_fields *f = nullptr;
    if (auto failed = fields(c, &f)) {
      ak_fields_free(f);
      return *failed;
    }
    ak_result *r = nullptr;
    ak_error *err = nullptr;
    ak_status s = ak_call(&r, cl, c.text("operation").c_str(), f, &err);
    ak_fields_free(f);
    Outcome o = outcome(s, err);
    if (r) o.result_id = ak_result_id(r);
    if (kept) *kept = r;
    else ak_result_free(r);
    return o;
  }

  std::string journal() {
    char *raw = nullptr;
    EXPECT_EQ(ak_sandbox_journal_json(&raw, sb, nullptr), AK_OK);
    std::string out = raw ? raw : "[]";
    ak_string_free(raw);
    return out;
  }
};

// The journal entry of the request sent: the last with sent's method and path.
std::string check_sent(const std::string &journal, element sent) {
  simdjson::dom::parser parser;
  element entries = parser.parse(journal).value();
  std::string method(sent["method"].get_string().value()), path(sent["path"].get_string().value());
  std::optional<element> found;
  for (element e : items(entries))
    if (e["method"].get_string().value() == method && e["path"].get_string().value() == path) found = e;
  if (!found) return "no " + method + " " + path + " reached the sandbox; journal: " + journal;
  std::string diff;
  if (auto q = sent["query"]; !q.error() && !same(q.value(), (*found)["query"].value()))
    diff += "query " + json_text((*found)["query"].value()) + ", want " + json_text(q.value()) + "; ";
  if (auto b = sent["body"]; !b.error() && !same(b.value(), (*found)["body"].value()))
    diff += "body " + json_text((*found)["body"].value()) + ", want " + json_text(b.value()) + "; ";
  if (auto has = sent["body_has"]; !has.error()) {
    for (const auto &[k, v] : members(has.value())) {
      auto got = (*found)["body"][k];
      if (got.error() || !same(v, got.value()))
        diff += "body member " + std::string(k) + " is " + (got.error() ? "absent" : json_text(got.value())) +
                ", want " + json_text(v) + "; ";
    }
  }
  return diff;
}

std::string check_secrets(const Case &c, const Outcome &local, const Outcome &called, const std::string &journal) {
  std::string diff;
  auto secrets = c.member("secrets");
  if (!secrets) return diff;
  for (element s : items(*secrets)) {
    std::string secret(s.get_string().value());
    for (const Outcome *o : {&local, &called})
      for (const std::string *text : {&o->message, &o->raw_body, &o->field_messages})
        if (text->find(secret) != std::string::npos) diff += "an error shows the secret \"" + secret + "\"; ";
    if (journal.find(secret) != std::string::npos) diff += "the journal shows the secret \"" + secret + "\"; ";
  }
  return diff;
}

TEST(Conformance, Operations) {
  Runner run;
  size_t ran = 0;
  for (const Case *c : of_kind("operation")) {
    SCOPED_TRACE(c->name());
    ++ran;
    element expect = c->json["expect"].value();
    Outcome local = run.validate(*c);
    if (auto d = differences(local, expect); !d.empty()) ADD_FAILURE() << c->name() << "\n  validate: " << d;
    auto call_expect = c->member("call");
    element want = call_expect ? *call_expect : expect;
    ak_sandbox_journal_clear(run.sb);
    Outcome called = run.call(*c);
    std::string journal = run.journal();
    if (auto d = differences(called, want); !d.empty()) ADD_FAILURE() << c->name() << "\n  call: " << d;
    bool local_error = !call_expect && std::string(expect["status"].get_string().value()) != "ok";
    if (local_error && journal != "[]") ADD_FAILURE() << c->name() << "\n  sent although invalid: " << journal;
    if (auto sent = c->member("sent"))
      if (auto d = check_sent(journal, *sent); !d.empty()) ADD_FAILURE() << c->name() << "\n  sent: " << d;
    if (auto d = check_secrets(*c, local, called, journal); !d.empty()) ADD_FAILURE() << c->name() << "\n  " << d;
  }
  EXPECT_GT(ran, 100u) << "the case files were not found in " << AK_CONFORMANCE_DIR;
  std::printf("conformance: %zu operation cases\n", ran);
}

TEST(Conformance, Statuses) {
  size_t ran = 0;
  for (const Case *c : of_kind("status")) {
    SCOPED_TRACE(c->name());
    ++ran;
    int code = static_cast<int>(c->json["code"].get_int64().value());
    element want_name = c->json["status_name"].value(), want_parent = c->json["parent"].value();
    const char *name = ak_status_name(code);
    if (want_name.is_null()) {
      EXPECT_EQ(name, nullptr) << c->name();
      EXPECT_STREQ(ak_strerror(static_cast<ak_status>(code)), "unknown status");
    } else {
      ASSERT_NE(name, nullptr) << c->name();
      EXPECT_EQ(std::string(name), std::string(want_name.get_string().value())) << c->name();
      EXPECT_STRNE(ak_strerror(static_cast<ak_status>(code)), "unknown status");
    }
    ak_status parent = ak_status_parent(code);
    if (want_parent.is_null()) EXPECT_EQ(parent, AK_OK) << c->name();
    else EXPECT_STREQ(ak_status_name(parent), std::string(want_parent.get_string().value()).c_str()) << c->name();
  }
  EXPECT_GT(ran, 15u);
}

TEST(Conformance, Paths) {
  Runner run;
  // A result to read paths from: an empty 99digital list.
  ak_result *page = nullptr;
  ak_client *cl = nullptr;
  ASSERT_FALSE(run.client("99digital", &cl));
  ASSERT_EQ(ak_call(&page, cl, "list_accounts", nullptr, nullptr), AK_OK);
  size_t ran = 0;
  for (const Case *c : of_kind("path")) {
    SCOPED_TRACE(c->name());
    ++ran;
    std::string path = c->text("path");
    element expect = c->json["expect"].value();
    ak_fields *f = nullptr;
    ASSERT_EQ(ak_fields_new(&f, nullptr), AK_OK);
    ak_error *err = nullptr;
    ak_status s = ak_fields_set_string(f, path.c_str(), "x", &err);
    Outcome set = outcome(s, err);
    ak_fields_free(f);
    if (auto d = differences(set, expect); !d.empty()) ADD_FAILURE() << c->name() << "\n  ak_fields_set_string: " << d;
    // Reading: a well-formed path holds nothing in an empty list (not_found).
    const char *value = nullptr;
    s = ak_result_get_string(&value, page, path.c_str(), &err);
    Outcome read = outcome(s, err);
    if (read.status == "not_found") read.status = "ok";
    if (auto d = differences(read, expect); !d.empty()) ADD_FAILURE() << c->name() << "\n  ak_result_get_string: " << d;
  }
  ak_result_free(page);
  EXPECT_GT(ran, 10u);
}

// ---- views and plans: the C API's pure functions, no sandbox -------------------

// What a function writing JSON text gave: its text parsed, or its failure
// (outcome.status "ok" when there was none).
struct Answer {
  Outcome outcome;
  std::string text;
  simdjson::dom::parser parser;
  std::optional<element> json;
};

void take(Answer &a, ak_status s, ak_error *err, char *out) {
  a.outcome = outcome(s, err);
  if (out) a.text = out;
  ak_string_free(out);
  if (s == AK_OK) a.json = a.parser.parse(a.text).value();
}

// The case's "key_attribute" (docs/plan.md: ActivePlatform's own key), or "".
std::string key_attribute_of(const Case &c) {
  auto k = c.member("key_attribute");
  return k ? std::string(k->get_string().value()) : "";
}

// ak_account_view, or ak_account_view_with when a key attribute is given.
void view_of(Answer &a, const std::string &vendor, element record, const std::string &key_attribute = "") {
  char *out = nullptr;
  ak_error *err = nullptr;
  std::string text = json_text(record);
  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.key_attribute = key_attribute.c_str();
  ak_status s = key_attribute.empty() ? ak_account_view(&out, vendor.c_str(), text.c_str(), &err)
                                      : ak_account_view_with(&out, vendor.c_str(), text.c_str(), &opts, &err);
  take(a, s, err, out);
}

// A secret of the case shown in the answer's text or its error message.
std::string shown_secrets(const Case &c, const Answer &a) {
  std::string diff;
  if (auto secrets = c.member("secrets"))
    for (element s : items(*secrets)) {
      std::string secret(s.get_string().value());
      if (a.text.find(secret) != std::string::npos || a.outcome.message.find(secret) != std::string::npos)
        diff += "the secret \"" + secret + "\" shows; ";
    }
  return diff;
}

// An expectation of failure ({"status", "message_has"}) against the answer.
std::string failure_differences(const Answer &a, element want) {
  if (a.outcome.status == "ok") return "succeeded with " + a.text + ", want " + json_text(want);
  return differences(a.outcome, want);
}

// Whether view, without its "record" (checked for secrets instead), is want.
bool same_view(element view, element want) {
  auto got = members(view);
  std::erase_if(got, [](const auto &m) { return m.first == "record"; });
  if (!want.is_object() || got.size() != want.get_object().value().size()) return false;
  for (const auto &[k, v] : got)
    if (auto w = want[k]; w.error() || !same(v, w.value())) return false;
  return true;
}

TEST(Conformance, Views) {
  size_t ran = 0;
  for (const Case *c : of_kind("view")) {
    SCOPED_TRACE(c->name());
    ++ran;
    Answer a;
    view_of(a, c->text("vendor"), c->json["record"].value(), key_attribute_of(*c));
    element expect = c->json["expect"].value();
    std::string diff = shown_secrets(*c, a);
    if (auto want = expect["view"]; !want.error()) {
      if (!a.json) diff += "failed: " + describe(a.outcome);
      else if (!same_view(*a.json, want.value())) diff += "view " + a.text + ", want " + json_text(want.value());
    } else {
      diff += failure_differences(a, expect);
    }
    if (!diff.empty()) ADD_FAILURE() << c->name() << "\n  ak_account_view: " << diff;
  }
  EXPECT_GT(ran, 4u);
}

// The case's records as a JSON array of their views (ak_account_view, without
// a key attribute: ak_plan_with reads such a key from each view's record),
// or a failure.
std::string views_of(const Case &c, std::string &views) {
  views = "[";
  for (element record : items(c.json["records"].value())) {
    Answer a;
    view_of(a, c.text("vendor"), record);
    if (!a.json) return "the view of " + json_text(record) + " failed: " + describe(a.outcome);
    views += (views.size() > 1 ? "," : "") + a.text;
  }
  views += "]";
  return "";
}

TEST(Conformance, Plans) {
  size_t ran = 0;
  for (const Case *c : of_kind("plan")) {
    SCOPED_TRACE(c->name());
    ++ran;
    std::string views;
    if (auto d = views_of(*c, views); !d.empty()) {
      ADD_FAILURE() << c->name() << "\n  " << d;
      continue;
    }
    auto prune = c->member("prune");
    std::string desired = json_text(c->json["desired"].value());
    // With creates in flight, current_json's object form; without, the plain array (both are ak_plan's).
    std::string current = views;
    if (auto in_flight = c->member("in_flight"))
      current = R"({"accounts":)" + views + R"(,"in_flight":)" + json_text(*in_flight) + "}";
    Answer a;
    char *out = nullptr;
    ak_error *err = nullptr;
    const std::string key_attribute = key_attribute_of(*c);
    ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
    opts.prune = prune && prune->get_bool().value();
    opts.key_attribute = key_attribute.c_str();
    ak_status s = ak_plan_with(&out, c->text("vendor").c_str(), desired.c_str(), current.c_str(), &opts, &err);
    take(a, s, err, out);
    element expect = c->json["expect"].value();
    std::string diff = shown_secrets(*c, a);
    if (auto want = expect["steps"]; !want.error()) {
      if (!a.json) diff += "failed: " + describe(a.outcome);
      else if (!same((*a.json)["steps"].value(), want.value()))
        diff += "steps " + json_text((*a.json)["steps"].value()) + ", want " + json_text(want.value());
    } else {
      diff += failure_differences(a, expect);
    }
    if (!diff.empty()) ADD_FAILURE() << c->name() << "\n  ak_plan: " << diff;
  }
  EXPECT_GT(ran, 10u);
}

}  // namespace
