// The Commvault integration tests' fixture: a sandbox whose asynchronous
// changes settle after 150 ms, a commvault client configured for it that polls
// quickly, the journal entries of one path, and ak_wait shaped like ak_call.
#pragma once

#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

// ak_wait's outcome (ak_wait_for's, for a result of operation after), shaped like ak_call's.
inline akt::Outcome wait_for(ak_client *c, const std::string &id, double timeout_s, const char *after = nullptr) {
  akt::Outcome o;
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  o.status = after ? ak_wait_for(&r, c, after, id.c_str(), timeout_s, &err) : ak_wait(&r, c, id.c_str(), timeout_s, &err);
  o.result.reset(r);
  if (o.ok()) o.json = ak_result_json(r);
  else o.error = akt::copy_error(o.status, err);
  return o;
}

class CommvaultFixture : public ::testing::Test {
 protected:
  ak_client *c() { return client.get(); }

  akt::ClientPtr make_client(const std::vector<std::pair<std::string, std::string>> &extra = {}) {
    akt::ClientPtr cl = akt::new_client({}, "commvault");
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_configure_client(sb.get(), cl.get(), &err);
    EXPECT_EQ(s, AK_OK) << akt::copy_error(s, err).message;
    for (const auto &[name, value] : extra)
      EXPECT_EQ(akt::set_option(cl.get(), name.c_str(), value.c_str()).code, AK_OK) << name;
    return cl;
  }

  std::vector<akt::Entry> entries_for(const std::string &path) const {
    std::vector<akt::Entry> out;
    for (auto &e : sb.journal())
      if (e.path() == path) out.push_back(e);
    return out;
  }

  akt::Sandbox sb{{{"commvault.update_delay_ms", "150"}}};
  akt::ClientPtr client = make_client({{"poll_initial_ms", "20"}, {"poll_max_ms", "100"}});
};
