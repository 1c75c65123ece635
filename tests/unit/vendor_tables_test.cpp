// Invariants every vendor table must keep, whichever folder it comes from:
// what the generic code (client, batch, validator, describe) relies on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/vendor.hpp"

using ak::Field;
using ak::Operation;
using ak::Value;

namespace {

// Calls fn(field, path) for every field of a request schema, nested ones too.
template <class Fn>
void for_each_field(const Field &f, const std::string &path, Fn &fn) {
  fn(f, path);
  for (const auto &m : f.members) for_each_field(m, path.empty() ? m.name : path + "." + m.name, fn);
  if (f.element) for_each_field(*f.element, path + "[]", fn);
}

const Value *find_named(const Value &list, std::string_view name) {
  for (const auto &item : list.as_array())
    if (const Value *n = item.find("name"); n && n->is_string() && n->as_string() == name) return &item;
  return nullptr;
}

}  // namespace

// A create with a natural key can only be found again through a list
// operation of its own vendor that the key's lookup walks.
TEST(VendorTables, NaturalKeyNamesAListOperationOfTheSameVendor) {
  int checked = 0;
  for (const ak::Vendor *v : ak::vendors()) {
    for (const Operation &op : v->operations) {
      if (op.natural_key.empty()) {
        EXPECT_TRUE(op.lookup_op.empty()) << v->name << " " << op.name << ": lookup_op without natural_key";
        continue;
      }
      ++checked;
      EXPECT_EQ(op.kind, ak::OpKind::Create) << v->name << " " << op.name << ": natural_key on a non-create";
      ASSERT_FALSE(op.lookup_op.empty()) << v->name << " " << op.name << ": natural_key without lookup_op";
      const Operation *lookup = v->find(op.lookup_op);
      ASSERT_NE(lookup, nullptr) << v->name << " " << op.name << ": lookup_op " << op.lookup_op << " does not exist";
      EXPECT_EQ(lookup->kind, ak::OpKind::List) << v->name << " " << op.name << ": lookup_op " << op.lookup_op
                                                << " is not a list operation";
      EXPECT_FALSE(lookup->list_key.empty()) << v->name << " " << op.lookup_op << ": a list without list_key";
      if (!op.lookup_filter.empty()) {
        const Field *f = lookup->request.member(op.lookup_filter.substr(0, op.lookup_filter.find('.')));
        if (f && op.lookup_filter.find('.') != std::string::npos)
          f = f->member(op.lookup_filter.substr(op.lookup_filter.find('.') + 1));
        EXPECT_NE(f, nullptr) << v->name << " " << op.name << ": lookup_filter " << op.lookup_filter
                              << " is no field of " << op.lookup_op;
      }
      const auto &detail = op.lookup_detail;
      if (detail.read_op.empty()) continue;
      const Operation *read = v->find(detail.read_op);
      ASSERT_NE(read, nullptr) << v->name << " " << op.name << ": lookup_detail.read_op does not exist";
      EXPECT_EQ(read->kind, ak::OpKind::Read) << v->name << " " << op.name << ": lookup_detail.read_op is no read";
      EXPECT_FALSE(read->id_field.empty()) << v->name << " " << detail.read_op << ": a read without id_field";
      EXPECT_FALSE(detail.listed.empty() || detail.sent.empty() || detail.key_path.empty())
          << v->name << " " << op.name << ": lookup_detail needs listed, sent and key_path";
      EXPECT_FALSE(lookup->result_id.empty()) << v->name << " " << op.lookup_op << ": items without an id to read";
    }
  }
  EXPECT_GE(checked, 1) << "no vendor has a natural key: the test checks nothing";
}

// wait follows settlings by their read operations: each must exist, read one
// result by id, and lead (then_read_op) only to another settling.
TEST(VendorTables, SettlingsReadByIdAndLeadToSettlings) {
  for (const ak::Vendor *v : ak::vendors()) {
    for (const ak::Settling &s : v->settlings) {
      const Operation *read = v->find(s.read_op);
      ASSERT_NE(read, nullptr) << v->name << ": settling read_op " << s.read_op << " does not exist";
      EXPECT_EQ(read->kind, ak::OpKind::Read) << v->name << " " << s.read_op;
      EXPECT_FALSE(read->id_field.empty() || read->result_status.empty()) << v->name << " " << s.read_op;
      EXPECT_EQ(s.then_id.empty(), s.then_read_op.empty()) << v->name << " " << s.read_op;
      if (s.then_read_op.empty()) continue;
      bool found = false;
      for (const ak::Settling &t : v->settlings) found = found || (t.read_op == s.then_read_op && &t != &s);
      EXPECT_TRUE(found) << v->name << " " << s.read_op << ": then_read_op " << s.then_read_op << " is no settling";
    }
    for (const Operation &op : v->operations) {
      if (op.settles_by.empty()) continue;
      EXPECT_NE(v->settling_for(op.name), nullptr) << v->name << " " << op.name << ": settles_by names no settling";
    }
  }
}

TEST(VendorTables, Digital99FindsALostCreateByReferenceThroughListAccounts) {
  const ak::Vendor *v = ak::find_vendor("99digital");
  ASSERT_NE(v, nullptr);
  const Operation *create = v->find("create_account");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->natural_key, "reference");
  EXPECT_EQ(create->lookup_op, "list_accounts");
}

// A format is data a vendor folder may define: whatever defines it, the
// validator and describe need a rule name, a message and a predicate.
TEST(VendorTables, EveryFormatIsComplete) {
  int formats = 0;
  for (const ak::Vendor *v : ak::vendors()) {
    for (const Operation &op : v->operations) {
      auto check = [&](const Field &f, const std::string &path) {
        if (!f.format) return;
        ++formats;
        std::string where = v->name + " " + op.name + " " + path;
        EXPECT_EQ(f.type, ak::Type::String) << where << ": a format on a non-string field is never checked";
        ASSERT_NE(f.format->rule, nullptr) << where;
        ASSERT_NE(f.format->message, nullptr) << where;
        ASSERT_NE(f.format->problem, nullptr) << where;
        EXPECT_NE(std::string(f.format->rule), "") << where;
        EXPECT_NE(std::string(f.format->message), "") << where;
      };
      for_each_field(op.request, "", check);
    }
  }
  EXPECT_GE(formats, 8);
}

// describe JSON names a field's format by its rule name, and only when it has one.
TEST(VendorTables, DescribeNamesFormatsByRule) {
  Value all = ak::describe_vendors();
  struct Case {
    const char *vendor, *op, *field, *format;
  };
  for (const Case &c : {Case{"99digital", "create_account", "admin_email", "email"},
                        Case{"99digital", "create_account", "admin_password", "password"},
                        Case{"99digital", "create_account", "reference", "letters_digits"},
                        Case{"99digital", "create_account", "admin_name", nullptr},
                        Case{"99digital", "create_account", "admin_2fa_value", nullptr},  // format_when only
                        Case{"99digital", "update_account", "builder_url", "url"},
                        Case{"activeplatform", "create_account", "email", "email"},
                        Case{"commvault", "get_account", "id", nullptr}}) {
    const Value *vendor = find_named(all, c.vendor);
    ASSERT_NE(vendor, nullptr) << c.vendor;
    const Value *op = find_named(*vendor->find("operations"), c.op);
    ASSERT_NE(op, nullptr) << c.vendor << " " << c.op;
    const Value *field = find_named(*op->find("fields"), c.field);
    ASSERT_NE(field, nullptr) << c.vendor << " " << c.op << " " << c.field;
    const Value *format = field->find("format");
    if (!c.format) {
      EXPECT_EQ(format, nullptr) << c.field;
      continue;
    }
    ASSERT_NE(format, nullptr) << c.field;
    ASSERT_TRUE(format->is_string());
    EXPECT_EQ(format->as_string(), c.format) << c.vendor << " " << c.op << " " << c.field;
  }
}
