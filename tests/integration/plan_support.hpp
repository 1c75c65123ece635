// What the plan tests share: a vendor's accounts as views, and an answer of
// ak_plan / ak_plan_with kept as text or error.
#pragma once

#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>

#include "support.hpp"

namespace akt {

// Every account the client lists, as a JSON array of ak_account_view's views
// (made without options).
inline std::string current_views(ak_client *c, const char *vendor) {
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  EXPECT_EQ(ak_list(&raw, c, "list_accounts", nullptr, &err), AK_OK);
  std::unique_ptr<ak_pager, void (*)(ak_pager *)> pager(raw, ak_pager_free);
  std::string out = "[";
  for (ak_result *item = nullptr; ak_pager_next(&item, pager.get(), &err) == AK_OK && item;) {
    ResultPtr owned(item);
    char *view = nullptr;
    EXPECT_EQ(ak_account_view(&view, vendor, ak_result_json(item), nullptr), AK_OK);
    StringPtr v(view);
    out += (out.size() > 1 ? "," : "") + std::string(view);
  }
  return out + "]";
}

struct Planned {
  ak_status status = AK_OK;
  std::string json;
  ErrorInfo error;
};

// The answer of a plan call (status, *out_json, *err), the string freed.
inline Planned planned(ak_status status, char *raw, ak_error *err) {
  Planned p;
  p.status = status;
  StringPtr owned(raw);
  if (status == AK_OK) p.json = raw;
  else p.error = copy_error(status, err);
  return p;
}

}  // namespace akt
