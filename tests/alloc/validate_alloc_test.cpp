// The validator allocates nothing for a valid field: a field's path is built
// only when a problem is reported, and a format's problem() returns an empty
// string (no allocation) for a match. Counted by replacing the global
// operator new in this test executable, which holds nothing else (counting
// only on this thread, only while a Counting scope is alive).
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/formats.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/vendor.hpp"
#include "core/vendors/digital99/password.hpp"
#include "core/vendors/digital99/reference.hpp"

namespace {

thread_local bool counting = false;
thread_local long allocations = 0;

struct Counting {
  Counting() {
    allocations = 0;
    counting = true;
  }
  ~Counting() { counting = false; }
};

}  // namespace

// Every non-aligned form is replaced, so each allocation and its release meet
// in malloc/free (under ASan too, whose runtime defines these operators as
// well). Not inlined: GCC would otherwise pair an inlined free() with the
// new-expression and warn (-Wmismatched-new-delete).
[[gnu::noinline]] void *operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void *p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void *operator new[](std::size_t n) { return ::operator new(n); }
[[gnu::noinline]] void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  if (counting) ++allocations;
  return std::malloc(n ? n : 1);
}
[[gnu::noinline]] void *operator new[](std::size_t n, const std::nothrow_t &t) noexcept { return ::operator new(n, t); }
[[gnu::noinline]] void operator delete(void *p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void *p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void *p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

namespace {

using ak::Value;

const ak::Operation &op(const char *vendor, const char *name) {
  const ak::Vendor *v = ak::find_vendor(vendor);
  if (!v || !v->find(name)) throw std::logic_error(std::string("no ") + vendor + " " + name);
  return *v->find(name);
}

long allocations_for(const ak::Field &schema, const Value &v, std::vector<ak::FieldError> &out) {
  Counting scope;
  ak::validate(schema, v, out);
  return allocations;
}

}  // namespace

TEST(ValidateAllocations, TheCounterSeesAllocations) {
  long seen = 0;
  {
    Counting scope;
    std::string *s = new std::string(100, 'x');
    asm volatile("" : : "g"(s) : "memory");  // keeps the compiler from eliding the allocation
    seen = allocations;
    delete s;
  }
  EXPECT_GE(seen, 2);  // the string object and its buffer
}

TEST(ValidateAllocations, NoneForAValidRecordWithFormats) {
  Value record = Value::object();
  record.set("account_name", "Acme Inc");
  record.set("agents", 10);
  record.set("inboxes", 5);
  record.set("admin_email", "owner@acme.example");  // email
  record.set("admin_name", "Ada Owner");
  record.set("admin_displayName", "Ada");
  record.set("admin_password", "Str0ng!pass");  // 99digital's password format
  record.set("admin_2fa", 2);
  record.set("admin_2fa_value", "972501234567");  // format_when: phone digits
  record.set("reference", "crm4711לקוח");         // letters_digits (99digital's reference format)
  std::vector<ak::FieldError> out;
  EXPECT_EQ(allocations_for(op("99digital", "create_account").request, record, out), 0);
  EXPECT_TRUE(out.empty());

  Value update = Value::object();
  update.set("id", "7194af6f-1285-4295-94aa-ceed7ea2d792");  // a path segment
  EXPECT_EQ(allocations_for(op("commvault", "get_account").request, update, out), 0);
  EXPECT_TRUE(out.empty());
}

TEST(ValidateAllocations, EveryFormatMatchesWithoutAllocating) {
  struct Case {
    const ak::Format &format;
    const char *valid;
  };
  namespace f = ak::formats;
  for (const Case &c : {Case{f::kEmail, "a.much.longer.local.part@example.com"},
                        Case{f::kHttpUrl, "https://example.com/a/rather/long/path?with=query"},
                        Case{f::kIntlPhoneDigits, "972501234567"}, Case{f::kPhonePlusOr00, "00375295555555"},
                        Case{f::kCountry, "IL"},
                        Case{ak::digital99_formats::kReference, "abcdefghijklmnopqrstuvwxyz0123456789קליינט客户"},
                        Case{ak::digital99_formats::kPassword, "A much longer Str0ng!pass"}}) {
    Counting scope;
    EXPECT_TRUE(c.format.problem(c.valid).empty()) << c.format.rule;
    EXPECT_EQ(allocations, 0) << c.format.rule;
  }
}
