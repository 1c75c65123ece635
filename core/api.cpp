#include "core/api.hpp"

#include <algorithm>
#include <charconv>
#include <new>
#include <stdexcept>

#include "core/formats.hpp"

namespace ak::api {

namespace {

Error named(Status s, const Vendor &v, std::string_view op, const std::string &what) {
  Error e(s, v.name + " " + std::string(op) + ": " + what);
  e.vendor = v.name;
  e.operation = op;
  return e;
}

std::string join_names(const std::vector<std::string> &names) {
  std::string out;
  for (const auto &n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool has_control_break(const std::string &s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

// CR, LF or NUL in anything that becomes part of a URL could split or cut a
// request line in a careless server or proxy.
void check_url_values(const Value &v, const std::string &path, std::vector<FieldError> &out) {
  if (v.is_string() && has_control_break(v.as_string()))
    out.push_back({path, "control_characters", "must not contain CR, LF or NUL (it is sent in the URL)"});
  if (v.is_object())
    for (const auto &[k, child] : v.as_object()) check_url_values(child, path.empty() ? k : path + "." + k, out);
  if (v.is_array())
    for (size_t i = 0; i < v.as_array().size(); ++i)
      check_url_values(v.as_array()[i], path + "[" + std::to_string(i) + "]", out);
}

// A key given twice in one object is ambiguous: vendors disagree on which copy wins.
void reject_repeated_keys(const Value &v, const std::string &path) {
  if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i)
      reject_repeated_keys(v.as_array()[i], path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!v.is_object()) return;
  const auto &members = v.as_object();
  for (size_t i = 0; i < members.size(); ++i) {
    std::string child = path.empty() ? members[i].first : path + "." + members[i].first;
    for (size_t j = 0; j < i; ++j)
      if (members[j].first == members[i].first)
        throw Error(Status::InvalidArgument, "fields JSON gives the key \"" + child + "\" more than once");
    reject_repeated_keys(members[i].second, child);
  }
}

// Throws too_deep when a member of the fields object nests deeper than kMaxDepth.
void check_depth(const Value &fields) {
  if (!fields.is_object()) return;
  for (const auto &[k, v] : fields.as_object())
    if (1 + depth(v) > kMaxDepth) throw too_deep(k);
}

void collect_secret_fields(const Field &f, std::vector<std::string> &out) {
  if (f.secret) out.push_back(f.name);
  for (const auto &m : f.members) collect_secret_fields(m, out);
  if (f.element) collect_secret_fields(*f.element, out);
}

}  // namespace

const Vendor &vendor(std::string_view name) {
  if (const Vendor *v = find_vendor(name)) return *v;
  std::vector<std::string> names;
  for (const auto *known : vendors()) names.push_back(known->name);
  throw Error(Status::InvalidArgument, "unknown vendor \"" + std::string(name) + "\" (known: " + join_names(names) + ")");
}

const Operation &operation(const Vendor &v, std::string_view name) {
  if (const Operation *o = v.find(name)) return *o;
  std::vector<std::string> names;
  for (const auto &o : v.operations) names.push_back(o.name);
  Error e(Status::UnknownOperation,
          v.name + ": unknown operation \"" + std::string(name) + "\" (known: " + join_names(names) + ")");
  e.vendor = v.name;
  e.operation = name;
  throw e;
}

std::size_t depth(const Value &v) {
  std::size_t d = 0;
  if (v.is_array())
    for (const auto &e : v.as_array()) d = std::max(d, 1 + depth(e));
  if (v.is_object())
    for (const auto &m : v.as_object()) d = std::max(d, 1 + depth(m.second));
  return d;
}

Error too_deep(std::string_view field) {
  return Error(Status::InvalidArgument, "the field \"" + std::string(field) + "\" nests more than " +
                                            std::to_string(kMaxDepth) + " levels deep (the limit for fields)");
}

Value value_from_json(std::string_view text) {
  Value v;
  try {
    v = parse_json(text);
  } catch (const JsonError &e) {
    throw Error(Status::InvalidArgument, std::string("fields JSON: ") + e.what());
  }
  reject_repeated_keys(v, "");
  return v;
}

Value fields_from_json(std::string_view text) {
  Value v = value_from_json(text);
  if (!v.is_object()) throw fields_not_object(kind_name(v.kind()));
  check_depth(v);
  return v;
}

Error fields_not_object(std::string_view got) {
  return Error(Status::InvalidArgument, "the fields must be an object of field names to values, got " + std::string(got));
}

void set_path(Value &fields, std::string_view path, Value v) {
  std::vector<PathSegment> segments;
  try {
    segments = parse_path(path);
  } catch (const std::invalid_argument &e) {
    throw Error(Status::InvalidArgument, e.what());
  }
  if (segments.size() + depth(v) > kMaxDepth)
    throw too_deep(segments.front().index < 0 ? segments.front().key : "[" + std::to_string(segments.front().index) + "]");
  try {
    put_path(fields, path) = std::move(v);
  } catch (const std::invalid_argument &e) {
    throw Error(Status::InvalidArgument, e.what());
  }
}

std::vector<FieldError> problems(const Operation &op, const Value &fields, bool rules) {
  std::vector<FieldError> out;
  if (fields.is_object()) {
    const std::vector<std::string> in_path = path_params(op);
    for (const auto &[k, v] : fields.as_object()) {
      const Field *f = op.request.member(k);
      const bool path = (f && f->in_path) || std::find(in_path.begin(), in_path.end(), k) != in_path.end();
      if (op.method == Method::Get || path) check_url_values(v, k, out);
      // A dot segment or nothing in the path would make it another path.
      if (path && v.is_string())
        if (std::string why = path_segment_problem(v.as_string()); !why.empty())
          out.push_back({k, "path_segment", why});
    }
  }
  if (rules) ak::validate(op.request, fields, out, op.name);
  return out;
}

Error validation_error(const Vendor &v, std::string_view op, std::vector<FieldError> errors) {
  std::string msg = std::to_string(errors.size()) + (errors.size() == 1 ? " invalid field: " : " invalid fields: ");
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) msg += "; ";
    msg += (errors[i].path.empty() ? "(fields)" : errors[i].path) + " " + errors[i].message;
  }
  Error e = named(Status::Validation, v, op, msg);
  e.fields = std::move(errors);
  return e;
}

void validate(const Vendor &v, const Operation &op, const Value &fields) {
  std::vector<FieldError> errors = problems(op, fields, true);
  if (!errors.empty()) throw validation_error(v, op.name, std::move(errors));
}

void bind_id(const Vendor &v, const Operation &op, Value &fields, Value id) {
  if (op.id_field.empty())
    throw named(Status::InvalidArgument, v, op.name, "takes no positional account id (give its fields by name)");
  if (fields.is_null()) fields = Value::object();
  if (!fields.is_object()) throw named(Status::InvalidArgument, v, op.name, "the fields must be an object");
  if (fields.find(op.id_field))
    throw named(Status::InvalidArgument, v, op.name,
                "the account id is given twice: positionally and as the field " + op.id_field);
  const Field *rule = op.request.member(op.id_field);
  const Type type = rule ? rule->type : Type::String;
  if (id.is_string() && formats::utf8_length(id.as_string()) < 0) throw id_type_error(v, op, "text that is not UTF-8");
  if (id.is_string() && type == Type::Integer) {
    const std::string &s = id.as_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    // Digits only: "+5", " 5" and "-5" stay text for validation to name.
    bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && ec == std::errc() && end == s.data() + s.size()) id = Value(n);
  } else if (id.is_int() && type == Type::String) {
    id = Value(std::to_string(id.as_int()));
  } else if (!id.is_string() && !id.is_int()) {
    throw id_type_error(v, op, kind_name(id.kind()));
  }
  auto &members = fields.as_object();
  members.insert(members.begin(), Member(op.id_field, std::move(id)));
}

std::vector<std::string> secret_keys(const Vendor &v) {
  std::vector<std::string> k = v.secret_options;
  k.insert(k.end(), v.secret_keys.begin(), v.secret_keys.end());
  for (const auto &op : v.operations) collect_secret_fields(op.request, k);
  std::sort(k.begin(), k.end());
  k.erase(std::unique(k.begin(), k.end()), k.end());
  return k;
}

Error id_type_error(const Vendor &v, const Operation &op, std::string_view got) {
  return named(Status::InvalidArgument, v, op.name, "the account id must be text or an integer, got " + std::string(got));
}

const std::vector<std::string> &secret_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const Vendor *v : vendors()) {
      auto more = secret_keys(*v);
      k.insert(k.end(), more.begin(), more.end());
    }
    std::sort(k.begin(), k.end());
    k.erase(std::unique(k.begin(), k.end()), k.end());
    return k;
  }();
  return keys;
}

bool is_secret_key(std::string_view key) {
  const auto &keys = secret_keys();
  return std::binary_search(keys.begin(), keys.end(), key, std::less<>());
}

void mask_secrets(Value &v) {
  if (v.is_object()) {
    for (auto &[k, child] : v.as_object()) {
      if (is_secret_key(k) && !child.is_null()) child = Value("***");
      else mask_secrets(child);
    }
  } else if (v.is_array()) {
    for (auto &child : v.as_array()) mask_secrets(child);
  }
}

Error current_error() {
  try {
    throw;
  } catch (const Error &e) {
    return e;
  } catch (const JsonError &e) {
    return Error(Status::InvalidArgument, e.what());
  } catch (const std::invalid_argument &e) {
    return Error(Status::InvalidArgument, e.what());
  } catch (const std::bad_alloc &) {
    return Error(Status::NoMemory, "out of memory");
  } catch (const std::exception &e) {
    return Error(Status::Internal, std::string("internal error: ") + e.what());
  } catch (...) {
    return Error(Status::Internal, "internal error");
  }
}

}  // namespace ak::api
