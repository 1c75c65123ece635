// The 99digital integration tests' fixture: a fresh sandbox and a client
// configured for it (credentials + base_url), and a create with every field.
#pragma once

#include <gtest/gtest.h>

#include "support.hpp"

inline const std::string kEveryCreateField =
    "{\"account_name\":\"Acme Inc\",\"agents\":10,\"inboxes\":5,\"admin_email\":\"owner@acme.example\","
    "\"admin_name\":\"Ada Owner\",\"admin_displayName\":\"Ada\",\"admin_password\":\"Str0ng!pass\","
    "\"admin_2fa\":1,\"admin_2fa_value\":\"owner@acme.example\",\"server\":\"eu1\",\"reference\":\"crm4711\"}";

class Digital99 : public ::testing::Test {
 protected:
  ak_client *c() { return client.get(); }

  akt::Sandbox sb;
  akt::ClientPtr client = sb.client();
};
