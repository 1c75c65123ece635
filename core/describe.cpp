// Vendors, operations and field rules as data, for bindings and docs.
#include "core/describe.hpp"

#include "core/api.hpp"
#include "core/options.hpp"

namespace ak {

namespace {

Value describe_field(const Field &f);

Value describe_fields(const std::vector<Field> &members) {
  Array out;
  for (const auto &m : members) out.push_back(describe_field(m));
  return Value(std::move(out));
}

const char *type_word(Type t) {
  switch (t) {
    case Type::String: return "string";
    case Type::Integer: return "integer";
    case Type::Number: return "number";
    case Type::Boolean: return "boolean";
    case Type::Object: return "object";
    case Type::Array: return "array";
    // "scalar", not "any": readers that turn text into a value (the CLI's CSV
    // reader) read such a cell as a JSON scalar (true, 12, 1.5, else text);
    // the validator accepts any JSON value here.
    case Type::Any: return "scalar";
  }
  return "string";
}

Value describe_field(const Field &f) {
  Value d = Value::object();
  d.set("name", f.name);
  d.set("type", type_word(f.type));
  d.set("required", f.required);
  if (f.nullable) d.set("nullable", true);
  if (f.secret) d.set("secret", true);
  if (f.max_length) d.set("max_length", f.max_length);
  if (f.min_length) d.set("min_length", f.min_length);
  if (f.max_digits) d.set("max_digits", f.max_digits);
  if (f.max_items) d.set("max_items", f.max_items);
  if (f.min_items) d.set("min_items", f.min_items);
  if (f.format) d.set("format", f.format->rule);
  if (!f.one_of.empty()) d.set("one_of", Value(Array(f.one_of)));
  if (!f.members.empty()) d.set("fields", describe_fields(f.members));
  if (f.element) d.set("element", describe_field(*f.element));
  if (!f.doc.empty()) d.set("doc", f.doc);
  return d;
}

const char *kind_word(OpKind k) {
  switch (k) {
    case OpKind::Create: return "create";
    case OpKind::Read: return "read";
    case OpKind::List: return "list";
    case OpKind::Update: return "update";
    case OpKind::Delete: return "delete";
  }
  return "read";
}

Value strings(const std::vector<std::string> &list) { return Value(Array(list.begin(), list.end())); }

}  // namespace

Value describe_vendors() {
  Array all;
  for (const Vendor *v : vendors()) {
    Array ops;
    for (const auto &op : v->operations) {
      ops.push_back(Value(Object{{"name", op.name},
                                 {"kind", kind_word(op.kind)},
                                 {"method", method_name(op.method)},
                                 {"path", op.path},
                                 {"id_field", op.id_field},
                                 {"fields", describe_fields(op.request.members)}}));
    }
    all.push_back(Value(Object{{"name", v->name},
                               {"display_name", v->display_name},
                               {"default_base_url", v->default_base_url},
                               {"credentials", strings(v->credential_options)},
                               {"secret_options", strings(v->secret_options)},
                               {"secret_keys", strings(api::secret_keys(*v))},
                               {"asynchronous", !v->settlings.empty()},
                               {"options", describe_options(*v)},
                               {"operations", Value(std::move(ops))}}));
  }
  return Value(std::move(all));
}

}  // namespace ak
