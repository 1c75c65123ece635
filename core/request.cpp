#include "core/request.hpp"

namespace ak {

namespace {

void append_query(std::string &out, const std::string &key, const Value &v) {
  if (v.is_object()) {
    for (const auto &[k, child] : v.as_object()) append_query(out, key + "[" + k + "]", child);
    return;
  }
  if (v.is_array()) {
    for (const auto &child : v.as_array()) append_query(out, key + "[]", child);
    return;
  }
  if (!out.empty()) out.push_back('&');
  out += url_encode(key);
  out.push_back('=');
  if (v.is_string()) out += url_encode(v.as_string());
  else if (!v.is_null()) out += url_encode(to_json(v));
}

// fields placed at path ("data.attributes" -> {"data": {"attributes": fields}}).
Value nested(std::string_view path, const Value &fields) {
  auto dot = path.rfind('.');
  Value inner(Object{{std::string(dot == std::string_view::npos ? path : path.substr(dot + 1)), fields}});
  return dot == std::string_view::npos ? inner : nested(path.substr(0, dot), inner);
}

}  // namespace

std::string encode_query(const Value &fields) {
  std::string out;
  if (fields.is_object())
    for (const auto &[k, v] : fields.as_object()) append_query(out, k, v);
  return out;
}

HttpRequest build_request(const std::string &base_url, const Operation &op, const Value &body) {
  HttpRequest req;
  req.method = op.method;
  // libcurl may resend a request whose reused connection died unanswered;
  // creates and deletes must not be resent behind our back.
  req.resend_safe = op.kind != OpKind::Create && op.kind != OpKind::Delete;
  // expand_path takes the path parameters out: copy the body only if it has some.
  const bool in_path = op.path.find('{') != std::string::npos;
  Value path_stripped = in_path ? body : Value();
  const Value &fields = in_path ? path_stripped : body;
  req.url = base_url + expand_path(op, path_stripped);
  req.media_type = op.media_type;
  if (op.method == Method::Get) {
    std::string q = encode_query(fields);
    if (!q.empty()) req.url += "?" + q;
  } else if (!op.body_under.empty()) {
    req.body = to_json(nested(op.body_under, fields));
  } else if (op.method != Method::Delete || !fields.as_object().empty()) {
    req.body = to_json(fields);
  }
  return req;
}

}  // namespace ak
