// What every exported C entry point shares (the C API in accountkit.cpp and
// the sandbox's in sandbox/capi.cpp): its body runs through guard(), so no
// exception crosses the C ABI; each becomes an ak_status and, when the caller
// asked, an ak_error (ak::api::current_error says which).
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "accountkit/accountkit.h"
#include "core/api.hpp"

namespace akc {

// Stores the error for e in *err (when err is not NULL) and returns its status;
// make turns an ak::Error into a new ak_error (NULL when out of memory).
template <class Make>
ak_status fail(ak_error **err, const ak::Error &e, Make &&make) {
  auto code = static_cast<ak_status>(e.status);
  if (err) {
    *err = make(e);
    if (!*err) return AK_E_NOMEM;
  }
  return code;
}

// Runs fn, mapping every exception to a status. fn returns nothing; success is AK_OK.
template <class Make, class Fn>
ak_status guard(ak_error **err, Make &&make, Fn &&fn) {
  if (err) *err = nullptr;
  try {
    fn();
    return AK_OK;
  } catch (const std::bad_alloc &) {
    return AK_E_NOMEM;  // making an error object would need memory too
  } catch (...) {
    return fail(err, ak::api::current_error(), make);
  }
}

inline void need(const void *p, const char *what) {
  if (!p) throw std::invalid_argument(std::string(what) + " must not be NULL");
}

// A copy the caller frees with ak_string_free (free()).
inline char *dup_string(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size() + 1);
  return out;
}

}  // namespace akc
