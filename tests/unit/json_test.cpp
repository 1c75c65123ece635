// The JSON value tree: writer/reader round trips, duplicate keys, number
// kinds, paths, and absent vs null.
#include "core/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

using namespace std::literals;
using ak::Array;
using ak::Object;
using ak::Value;

namespace {

// Writes v, reads the text back.
Value round_trip(const Value &v) { return ak::parse_json(ak::to_json(v)); }

// Expects v to survive write -> read unchanged, with the same kind.
void expect_round_trip(const Value &v) {
  std::string text = ak::to_json(v);
  Value back = ak::parse_json(text);
  EXPECT_EQ(back.kind(), v.kind()) << text;
  EXPECT_EQ(back, v) << text;
}

Value obj(Object o) { return Value(std::move(o)); }
Value arr(Array a) { return Value(std::move(a)); }

}  // namespace

// ---------------------------------------------------------------- writer

TEST(JsonWrite, ScalarsAndContainers) {
  EXPECT_EQ(ak::to_json(Value()), "null");
  EXPECT_EQ(ak::to_json(Value(true)), "true");
  EXPECT_EQ(ak::to_json(Value(false)), "false");
  EXPECT_EQ(ak::to_json(Value(42)), "42");
  EXPECT_EQ(ak::to_json(Value("x")), "\"x\"");
  EXPECT_EQ(ak::to_json(Value::array()), "[]");
  EXPECT_EQ(ak::to_json(Value::object()), "{}");
  EXPECT_EQ(ak::to_json(obj({{"a", 1}, {"b", arr({true, Value(), "s"})}})),
            R"({"a":1,"b":[true,null,"s"]})");
}

TEST(JsonWrite, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(ak::to_json(Value("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(ak::to_json(Value("\n\r\t\b\f")), R"("\n\r\t\b\f")");
  EXPECT_EQ(ak::to_json(Value("\x01\x1f"sv)), R"("\u0001\u001f")");
  EXPECT_EQ(ak::to_json(Value("nul\0byte"sv)), R"("nul\u0000byte")");
  // Keys are escaped like values.
  EXPECT_EQ(ak::to_json(obj({{"k\"\n", 1}})), R"({"k\"\n":1})");
  // Non-ASCII UTF-8 is written as is; '/' and DEL need no escape.
  EXPECT_EQ(ak::to_json(Value("é/\x7f")), "\"é/\x7f\"");
}

TEST(JsonWrite, DoublesStayDoublesAndNonFiniteIsNull) {
  EXPECT_EQ(ak::to_json(Value(5.0)), "5.0");
  EXPECT_EQ(ak::to_json(Value(-0.0)), "-0.0");
  EXPECT_EQ(ak::to_json(Value(0.1)), "0.1");
  EXPECT_EQ(ak::to_json(Value(1e300)), "1e+300");
  EXPECT_EQ(ak::to_json(Value(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(ak::to_json(Value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(ak::to_json(Value(-std::numeric_limits<double>::infinity())), "null");
}

// ---------------------------------------------------------------- round trips

TEST(JsonRoundTrip, NestedObjectsAndArrays) {
  Value v = obj({
      {"name", "Acme"},
      {"n", 7},
      {"ok", false},
      {"none", Value()},
      {"empty_obj", Value::object()},
      {"empty_arr", Value::array()},
      {"list", arr({1, "two", arr({3.5, obj({{"deep", arr({Value()})}})})})},
      {"contact", obj({{"address", obj({{"city", "Haifa"}, {"zip", "3100000"}})}})},
  });
  expect_round_trip(v);
}

TEST(JsonRoundTrip, UnicodeStrings) {
  for (const char *s : {"", "é", "שלום", "日本語", "emoji \xF0\x9F\x98\x80", "mixed ascii é 日 \xF0\x9F\x98\x80"})
    expect_round_trip(Value(s));
  expect_round_trip(obj({{"ключ", "значение"}}));
}

TEST(JsonRoundTrip, EscapedCharacters) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  expect_round_trip(Value(all_controls));
  expect_round_trip(Value("quote \" backslash \\ slash / end"));
  expect_round_trip(obj({{"\"\\\n", "\t"}}));
}

TEST(JsonRoundTrip, Int64Limits) {
  for (std::int64_t n : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                         std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}}) {
    Value back = round_trip(Value(n));
    ASSERT_TRUE(back.is_int()) << n;
    EXPECT_EQ(back.as_int(), n);
  }
}

TEST(JsonRoundTrip, Doubles) {
  for (double d : {0.1, 1e300, -1e-300, 5.0, 123456789.0, 2.5e-8, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::denorm_min(), 9007199254740993.0}) {
    Value back = round_trip(Value(d));
    ASSERT_TRUE(back.is_double()) << d;
    EXPECT_EQ(back.as_double(), d);  // exact: shortest text reads back to the same bits
  }
}

TEST(JsonRoundTrip, NegativeZeroKeepsItsSign) {
  Value back = round_trip(Value(-0.0));
  ASSERT_TRUE(back.is_double());
  EXPECT_EQ(back.as_double(), 0.0);
  EXPECT_TRUE(std::signbit(back.as_double()));
}

TEST(JsonRoundTrip, FiveDotZeroIsNotAnInteger) {
  Value back = round_trip(Value(5.0));
  EXPECT_TRUE(back.is_double());
  EXPECT_FALSE(back.is_int());
  EXPECT_NE(back, Value(5));  // Int 5 and Double 5.0 are different values
}

TEST(JsonRoundTrip, NaNBecomesNull) {
  Value v = obj({{"x", std::numeric_limits<double>::quiet_NaN()}});
  Value back = round_trip(v);
  const Value *x = back.find("x");
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE(x->is_null());
}

// ---------------------------------------------------------------- reader

TEST(JsonRead, NumberKinds) {
  EXPECT_TRUE(ak::parse_json("1").is_int());
  EXPECT_TRUE(ak::parse_json("-1").is_int());
  EXPECT_TRUE(ak::parse_json("1.0").is_double());
  EXPECT_TRUE(ak::parse_json("1e2").is_double());
  EXPECT_EQ(ak::parse_json("-9223372036854775808"), Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(ak::parse_json("9223372036854775807"), Value(std::numeric_limits<std::int64_t>::max()));
}

TEST(JsonRead, IntegersBeyondInt64BecomeDoubles) {
  Value just_over = ak::parse_json("9223372036854775808");
  ASSERT_TRUE(just_over.is_double());
  EXPECT_EQ(just_over.as_double(), 9223372036854775808.0);
  Value uint64_max = ak::parse_json("18446744073709551615");
  ASSERT_TRUE(uint64_max.is_double());
  EXPECT_EQ(uint64_max.as_double(), 18446744073709551615.0);
}

TEST(JsonRead, DuplicateKeysAreKeptInOrderAndFindReturnsTheFirst) {
  Value v = ak::parse_json(R"({"status":"OK","reason":1,"status":1,"b":2,"status":"x"})");
  ASSERT_TRUE(v.is_object());
  const Object &o = v.as_object();
  ASSERT_EQ(o.size(), 5u);
  EXPECT_EQ(o[0], (ak::Member{"status", "OK"}));
  EXPECT_EQ(o[1], (ak::Member{"reason", 1}));
  EXPECT_EQ(o[2], (ak::Member{"status", 1}));
  EXPECT_EQ(o[3], (ak::Member{"b", 2}));
  EXPECT_EQ(o[4], (ak::Member{"status", "x"}));
  ASSERT_NE(v.find("status"), nullptr);
  EXPECT_EQ(*v.find("status"), Value("OK"));
  // Duplicates survive a write too.
  EXPECT_EQ(ak::to_json(v), R"({"status":"OK","reason":1,"status":1,"b":2,"status":"x"})");
}

TEST(JsonRead, ObjectMemberOrderIsKept) {
  Value v = ak::parse_json(R"({"z":1,"a":2,"m":3})");
  const Object &o = v.as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].first, "z");
  EXPECT_EQ(o[1].first, "a");
  EXPECT_EQ(o[2].first, "m");
}

TEST(JsonRead, UnicodeEscapesAreDecoded) {
  EXPECT_EQ(ak::parse_json(R"("\u00e9\u05e9\ud83d\ude00")"), Value("é\u05e9\xF0\x9F\x98\x80"));
  EXPECT_EQ(ak::parse_json(R"("\u0000")"), Value("\0"sv));
}

TEST(JsonRead, InvalidJsonThrowsJsonError) {
  for (std::string_view bad : {""sv, "{"sv, "}"sv, "[1,]"sv, "{\"a\":}"sv, "{\"a\" 1}"sv, "{'a':1}"sv,
                               "nul"sv, "tru"sv, "01"sv, "1.}"sv, "\"unterminated"sv, "[1] [2]"sv,
                               "{\"a\":1}x"sv, "NaN"sv, "\"bad \\x escape\""sv, "\"\xC3\x28\""sv,
                               "\"raw\ncontrol\""sv})
    EXPECT_THROW(ak::parse_json(bad), ak::JsonError) << bad;
}

TEST(JsonRead, JsonErrorSaysInvalidJson) {
  try {
    ak::parse_json("{\"a\":");
    FAIL() << "expected JsonError";
  } catch (const ak::JsonError &e) {
    EXPECT_EQ(std::string_view(e.what()).substr(0, 13), "invalid JSON:");
  }
}

// ---------------------------------------------------------------- object helpers

TEST(ValueObject, SetReplacesTheFirstOrAppends) {
  Value v = ak::parse_json(R"({"a":1,"a":2})");
  v.set("a", 3);
  v.set("b", 4);
  EXPECT_EQ(ak::to_json(v), R"({"a":3,"a":2,"b":4})");
}

TEST(ValueObject, EraseRemovesEveryDuplicate) {
  Value v = ak::parse_json(R"({"a":1,"b":2,"a":3})");
  EXPECT_TRUE(v.erase("a"));
  EXPECT_EQ(ak::to_json(v), R"({"b":2})");
  EXPECT_FALSE(v.erase("a"));
}

TEST(ValueObject, FindOnNonObjectIsNull) {
  EXPECT_EQ(Value(1).find("a"), nullptr);
  EXPECT_EQ(Value::array().find("a"), nullptr);
  EXPECT_EQ(Value().find("a"), nullptr);
}

TEST(ValueObject, NullIsPresentErasedIsAbsent) {
  Value v = Value::object();
  v.set("website", Value());
  const Value *w = v.find("website");
  ASSERT_NE(w, nullptr);  // present...
  EXPECT_TRUE(w->is_null());  // ...with a null value
  EXPECT_EQ(ak::to_json(v), R"({"website":null})");
  EXPECT_TRUE(v.erase("website"));
  EXPECT_EQ(v.find("website"), nullptr);  // absent
  EXPECT_EQ(ak::to_json(v), "{}");
}

TEST(ValueObject, NullAndAbsentSurviveARoundTrip) {
  Value back = round_trip(obj({{"a", Value()}}));
  ASSERT_NE(back.find("a"), nullptr);
  EXPECT_TRUE(back.find("a")->is_null());
  EXPECT_EQ(back.find("b"), nullptr);
}

TEST(ValueKind, Names) {
  EXPECT_STREQ(ak::kind_name(Value::Kind::Null), "null");
  EXPECT_STREQ(ak::kind_name(Value::Kind::Bool), "boolean");
  EXPECT_STREQ(ak::kind_name(Value::Kind::Int), "integer");
  EXPECT_STREQ(ak::kind_name(Value::Kind::Double), "number");
  EXPECT_STREQ(ak::kind_name(Value::Kind::String), "string");
  EXPECT_STREQ(ak::kind_name(Value::Kind::Array), "array");
  EXPECT_STREQ(ak::kind_name(Value::Kind::Object), "object");
}

// ---------------------------------------------------------------- parse_path

namespace {

// Segments rendered as "key" or "[N]", joined by spaces, for compact asserts.
std::string segments(std::string_view path) {
  std::string out;
  for (const auto &s : ak::parse_path(path)) {
    if (!out.empty()) out += ' ';
    out += s.index >= 0 ? "[" + std::to_string(s.index) + "]" : s.key;
  }
  return out;
}

}  // namespace

TEST(ParsePath, Valid) {
  EXPECT_EQ(segments("a"), "a");
  EXPECT_EQ(segments("a.b[0].c"), "a b [0] c");
  EXPECT_EQ(segments("[1]"), "[1]");
  EXPECT_EQ(segments("[1][2]"), "[1] [2]");
  EXPECT_EQ(segments("contacts[0].address.city"), "contacts [0] address city");
  EXPECT_EQ(segments("a[100000]"), "a [100000]");
  EXPECT_EQ(segments("admin_displayName"), "admin_displayName");
}

TEST(ParsePath, KeySegmentsHaveNegativeIndex) {
  auto segs = ak::parse_path("a[3]");
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "a");
  EXPECT_LT(segs[0].index, 0);
  EXPECT_EQ(segs[1].key, "");
  EXPECT_EQ(segs[1].index, 3);
}

TEST(ParsePath, Invalid) {
  for (std::string_view bad : {""sv, "a."sv, "a["sv, "a[x]"sv, "a[-1]"sv, "a[]"sv, ".a"sv, "a..b"sv,
                               "a[0]."sv, "a[1"sv, "a[1x]"sv, "a[100001]"sv, "a[ 1]"sv, "a[0]b"sv, "[0]b.c"sv})
    EXPECT_THROW(ak::parse_path(bad), std::invalid_argument) << bad;
}

// ---------------------------------------------------------------- get/put/erase_path

TEST(PutPath, CreatesObjectsAndArraysOnTheWay) {
  Value root;
  ak::put_path(root, "a.b[0].c") = "x";
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":[{"c":"x"}]}})");
  ak::put_path(root, "a.d") = 5;
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":[{"c":"x"}],"d":5}})");
}

TEST(PutPath, TopLevelIndexMakesAnArray) {
  Value root;
  ak::put_path(root, "[1]") = true;
  EXPECT_EQ(ak::to_json(root), "[null,true]");
}

TEST(PutPath, GrowsArraysWithNulls) {
  Value root = Value::object();
  ak::put_path(root, "list[3]") = 7;
  EXPECT_EQ(ak::to_json(root), R"({"list":[null,null,null,7]})");
  ak::put_path(root, "list[1]") = "one";  // inside: replaced, no growth
  EXPECT_EQ(ak::to_json(root), R"({"list":[null,"one",null,7]})");
  ak::put_path(root, "list[5].k") = 1;
  EXPECT_EQ(ak::to_json(root), R"({"list":[null,"one",null,7,null,{"k":1}]})");
}

TEST(PutPath, ReturnsTheExistingValue) {
  Value root = obj({{"a", obj({{"b", 1}})}});
  Value &b = ak::put_path(root, "a.b");
  EXPECT_EQ(b, Value(1));
  b = 2;
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":2}})");
}

TEST(PutPath, FillsANullOnTheWay) {
  Value root = obj({{"a", Value()}});
  ak::put_path(root, "a.b") = 1;
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":1}})");
}

TEST(PutPath, ThrowsWhenCrossingAScalar) {
  Value root = obj({{"s", "text"}, {"n", 1}, {"list", arr({1})}, {"o", Value::object()}});
  const std::string before = ak::to_json(root);
  EXPECT_THROW(ak::put_path(root, "s.x"), std::invalid_argument);
  EXPECT_THROW(ak::put_path(root, "n[0]"), std::invalid_argument);
  EXPECT_THROW(ak::put_path(root, "list.x"), std::invalid_argument);  // key inside an array
  EXPECT_THROW(ak::put_path(root, "o[0]"), std::invalid_argument);    // index into an object
  EXPECT_THROW(ak::put_path(root, "list[0].x"), std::invalid_argument);
  EXPECT_EQ(ak::to_json(root), before);  // nothing changed
  Value scalar_root = 3;
  EXPECT_THROW(ak::put_path(scalar_root, "a"), std::invalid_argument);
}

TEST(PutPath, MalformedPathThrows) {
  Value root;
  EXPECT_THROW(ak::put_path(root, "a."), std::invalid_argument);
  EXPECT_THROW(ak::put_path(root, ""), std::invalid_argument);
}

TEST(GetPath, FindsValuesAndNullsAndReportsAbsence) {
  Value root = ak::parse_json(R"({"a":{"b":[{"c":1},{"c":null}]},"s":"x"})");
  ASSERT_NE(ak::get_path(root, "a.b[0].c"), nullptr);
  EXPECT_EQ(*ak::get_path(root, "a.b[0].c"), Value(1));
  const Value *null_c = ak::get_path(root, "a.b[1].c");
  ASSERT_NE(null_c, nullptr);
  EXPECT_TRUE(null_c->is_null());
  EXPECT_EQ(ak::get_path(root, "a.b[2].c"), nullptr);  // index out of range
  EXPECT_EQ(ak::get_path(root, "a.x"), nullptr);
  EXPECT_EQ(ak::get_path(root, "a.b.c"), nullptr);  // key into an array
  EXPECT_EQ(ak::get_path(root, "a[0]"), nullptr);   // index into an object
  EXPECT_EQ(ak::get_path(root, "s.x"), nullptr);    // through a scalar
  EXPECT_THROW(ak::get_path(root, "a["), std::invalid_argument);
}

TEST(ErasePath, RemovesKeysAndArrayElements) {
  Value root = ak::parse_json(R"({"a":{"b":[10,11,12],"c":null},"d":1})");
  EXPECT_TRUE(ak::erase_path(root, "a.b[1]"));
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":[10,12],"c":null},"d":1})");
  EXPECT_TRUE(ak::erase_path(root, "a.c"));  // a null value is present, so it is erased
  EXPECT_EQ(ak::get_path(root, "a.c"), nullptr);
  EXPECT_TRUE(ak::erase_path(root, "d"));
  EXPECT_EQ(ak::to_json(root), R"({"a":{"b":[10,12]}})");
}

TEST(ErasePath, AbsentReturnsFalseAndChangesNothing) {
  Value root = ak::parse_json(R"({"a":{"b":[10]},"s":"x"})");
  const std::string before = ak::to_json(root);
  EXPECT_FALSE(ak::erase_path(root, "a.x"));
  EXPECT_FALSE(ak::erase_path(root, "a.b[1]"));
  EXPECT_FALSE(ak::erase_path(root, "x.y"));
  EXPECT_FALSE(ak::erase_path(root, "s.x"));
  EXPECT_FALSE(ak::erase_path(root, "a[0]"));
  EXPECT_EQ(ak::to_json(root), before);
}

TEST(Paths, PutThenGetThenEraseThenGet) {
  Value root;
  ak::put_path(root, "x.y[2].z") = Value();
  const Value *z = ak::get_path(root, "x.y[2].z");
  ASSERT_NE(z, nullptr);
  EXPECT_TRUE(z->is_null());
  EXPECT_TRUE(ak::erase_path(root, "x.y[2].z"));
  EXPECT_EQ(ak::get_path(root, "x.y[2].z"), nullptr);
  ASSERT_NE(ak::get_path(root, "x.y[2]"), nullptr);  // the emptied object remains
  EXPECT_EQ(*ak::get_path(root, "x.y[2]"), Value::object());
}

// A view with no data at all (a NULL body of length 0) is empty text, not a
// NULL pointer handed to the parser (UBSan caught that under ak_webhook_parse).
TEST(JsonRead, AnEmptyViewWithoutDataIsInvalidJsonNotANullRead) {
  EXPECT_THROW(ak::parse_json(std::string_view()), ak::JsonError);
}

// A text with room for the padding is parsed where it lies, one without is
// copied first: the same value either way, errors included.
TEST(JsonRead, InPlaceParsesWithOrWithoutPaddingRoom) {
  std::string roomy = R"({"a":[1,2.5,"x"],"b":null})";
  roomy.reserve(roomy.size() + ak::kJsonPadding);
  std::string tight = roomy;
  tight.shrink_to_fit();
  EXPECT_EQ(ak::parse_json_in_place(roomy), ak::parse_json(roomy));
  EXPECT_EQ(ak::parse_json_in_place(tight), ak::parse_json(roomy));
  std::string broken = R"({"a":)";
  broken.reserve(broken.size() + ak::kJsonPadding);
  EXPECT_THROW(ak::parse_json_in_place(broken), ak::JsonError);
  EXPECT_THROW(ak::parse_json_in_place(std::string()), ak::JsonError);
}
