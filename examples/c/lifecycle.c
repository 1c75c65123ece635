/* One flow per vendor against the embedded sandbox. 99digital: create an
 * account, rename and disable it, list accounts, delete it. ActivePlatform:
 * create, update, walk every page of the list. Commvault: update (asynchronous)
 * and wait until it settles. Exits non-zero on any unexpected outcome, so it
 * doubles as a test. */
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Prints an error (each field problem on a line of its own when there are several); returns 1 for use as an exit code. */
static int report(FILE *to, const char *what, ak_error *err) {
  size_t problems = ak_error_field_count(err);
  if (problems > 1) /* the message repeats them all; one line each reads better */
    fprintf(to, "%-18s -> error [%s], %zu field problems:\n", what, ak_error_category(err), problems);
  else
    fprintf(to, "%-18s -> error [%s] %s\n", what, ak_error_category(err), ak_error_message(err));
  for (size_t i = 0; i < problems && problems > 1; ++i)
    fprintf(to, "%21s %s (%s): %s\n", "", ak_error_field_path(err, i), ak_error_field_rule(err, i),
            ak_error_field_message(err, i));
  ak_error_free(err);
  return 1;
}

/* One short line for a result: the account it names and its status
 * (ak_result_json has every field the vendor answered with). */
static void print_result(const char *op, const ak_result *r) {
  const char *id = ak_result_id(r), *status = ak_result_status(r);
  printf("%-18s -> ok", op);
  if (*id) printf(", id %s", id);
  if (status && *status) printf(", status \"%s\"", status);
  printf("\n");
}

/* Runs one call from JSON fields and prints the outcome. A call meant to fail
 * has its reason labelled first; its error goes to stdout, any other to stderr.
 * Returns the result, or NULL on error. */
static ak_result *run(ak_client *c, const char *op, const char *json, const char *meant_to_fail) {
  ak_fields *f = NULL;
  ak_result *r = NULL;
  ak_error *err = NULL;
  if (ak_fields_from_json(&f, json, strlen(json), &err) != AK_OK) {
    report(stderr, "parsing fields", err);
    return NULL;
  }
  if (meant_to_fail) printf("%-18s    (meant to fail: %s)\n", op, meant_to_fail);
  if (ak_call(&r, c, op, f, &err) != AK_OK) report(meant_to_fail ? stdout : stderr, op, err);
  else print_result(op, r);
  ak_fields_free(f);
  return r;
}

/* A client of vendor pointed at the sandbox (NULL after reporting a failure). */
static ak_client *sandbox_client(ak_sandbox *sb, const char *vendor) {
  ak_client *c = NULL;
  ak_error *err = NULL;
  printf("\n== %s at %s\n", vendor, ak_sandbox_vendor_url(sb, vendor));
  if (ak_client_new(&c, vendor, &err) != AK_OK || ak_sandbox_configure_client(sb, c, &err) != AK_OK) {
    report(stderr, "creating the client", err);
    ak_client_free(c);
    return NULL;
  }
  return c;
}

static int digital99_flow(ak_client *c) {
  ak_result *r = NULL;
  char body[256];
  int64_t id = 0;

  /* Invalid input: every problem reported at once, nothing sent. */
  r = run(c, "create_account",
          "{\"account_name\": \"Acme\", \"agents\": 12345, \"admin_email\": \"not-an-email\","
          " \"admin_password\": \"short\"}", "invalid fields, all reported at once, nothing sent");
  if (r) goto fail;

  r = run(c, "create_account",
          "{\"account_name\": \"Acme Inc\", \"agents\": 10, \"inboxes\": 5,"
          " \"admin_email\": \"owner@acme.example\", \"admin_name\": \"Ada Owner\","
          " \"admin_displayName\": \"Ada\", \"admin_password\": \"Str0ng!pass\","
          " \"admin_2fa\": 1, \"admin_2fa_value\": \"owner@acme.example\", \"reference\": \"crm4711\"}", NULL);
  if (!r || ak_result_get_int(&id, r, "account_id", NULL) != AK_OK) goto fail;
  int64_t agent = 0;
  if (!r || ak_result_get_int(&agent, r, "agent_id", NULL) != AK_OK) goto fail;
  ak_result_free(r);

  /* Suspend (account_status 0: nobody can log in), then resume. */
  snprintf(body, sizeof body,
           "{\"account_id\": %" PRId64 ", \"server\": \"online\", \"account_name\": \"Acme Ltd\","
           " \"account_status\": 0}", id);
  if (!(r = run(c, "update_account", body, NULL))) goto fail;
  ak_result_free(r);
  snprintf(body, sizeof body, "{\"account_id\": %" PRId64 ", \"server\": \"online\", \"account_status\": 1}", id);
  if (!(r = run(c, "update_account", body, NULL))) goto fail;
  ak_result_free(r);

  /* The account's agents, and a one-time sign-in link for its admin. */
  snprintf(body, sizeof body, "{\"accountID\": %" PRId64 "}", id);
  if (!(r = run(c, "list_agents", body, NULL))) goto fail;
  printf("                      %zu agent(s) listed\n", ak_result_size(r, "list"));
  ak_result_free(r);
  snprintf(body, sizeof body, "{\"accountID\": %" PRId64 ", \"agentID\": %" PRId64 ", \"server\": \"online\"}", id,
           agent);
  if (!(r = run(c, "login_agent", body, NULL))) goto fail;
  const char *link = NULL;
  if (ak_result_get_string(&link, r, "login", NULL) != AK_OK) goto fail;
  /* A secret: hand it to the user's browser, never to a log. */
  printf("                      sign-in link issued (%zu characters, single use, valid 5 minutes)\n", strlen(link));
  ak_result_free(r);

  if (!(r = run(c, "list_accounts", "{}", NULL))) goto fail;
  printf("                      %zu account(s) listed\n", ak_result_size(r, "list"));
  ak_result_free(r);

  snprintf(body, sizeof body, "{\"accountID\": %" PRId64 ", \"server\": \"online\"}", id);
  if (!(r = run(c, "delete_account", body, NULL))) goto fail;
  ak_result_free(r);

  /* Deleting again: the vendor says the account does not exist. */
  r = run(c, "delete_account", body, "deleting the same account again");
  if (r) goto fail;
  return 0;
fail:
  ak_result_free(r);
  return 1;
}

static int activeplatform_flow(ak_client *c) {
  static const char *names[] = {"Ana", "Ben", "Cid"};
  ak_result *r = NULL;
  ak_pager *pager = NULL;
  ak_fields *filters = NULL;
  ak_error *err = NULL;
  char body[512];
  size_t seen = 0;

  for (int i = 0; i < 3; ++i) {
    snprintf(body, sizeof body,
             "{\"account_type_id\": 1, \"account_class_id\": 1, \"first_name\": \"%s\","
             " \"last_name\": \"Lee\", \"country\": \"BY\", \"region\": \"5\", \"city\": \"Minsk\","
             " \"street\": \"Lenina\", \"building\": \"1\", \"office\": \"\", \"zip\": \"220007\","
             " \"phone\": \"+375295555555\", \"email\": \"%s@example.com\"}", names[i], names[i]);
    if (!(r = run(c, "create_account", body, NULL))) return 1;
    char get[64];
    snprintf(body, sizeof body, "{\"account_id\": %s, \"city\": \"Brest\"}", ak_result_id(r));
    snprintf(get, sizeof get, "{\"account_id\": %s}", ak_result_id(r));
    ak_result_free(r);
    if (i == 0) {  /* read it back, then a partial update: only city is sent */
      ak_result *read = run(c, "get_account", get, NULL);
      if (!read) return 1;
      ak_result_free(read);
      /* Its users: the owner, made with the account. */
      if (!(read = run(c, "list_account_users", get, NULL))) return 1;
      printf("                      %zu user(s) listed\n", ak_result_size(read, "users"));
      ak_result_free(read);
      if (!(r = run(c, "update_account", body, NULL))) return 1;
      ak_result_free(r);
    }
  }
  r = NULL;

  /* Every account, two per request: the pager fetches pages as it goes. */
  if (ak_fields_new(&filters, &err) != AK_OK || ak_fields_set_int(filters, "per_page", 2, &err) != AK_OK ||
      ak_list(&pager, c, "list_accounts", filters, &err) != AK_OK) {
    ak_fields_free(filters);
    return report(stderr, "list_accounts", err);
  }
  while (ak_pager_next(&r, pager, &err) == AK_OK && r) {
    printf("%-18s    account %s (%s)\n", ++seen == 1 ? "list_accounts" : "", ak_result_id(r), ak_result_status(r));
    ak_result_free(r);
  }
  ak_pager_free(pager);
  ak_fields_free(filters);
  if (err) return report(stderr, "list_accounts", err);
  return seen == 3 ? 0 : 1;
}

/* Waits for the asynchronous result of operation after (NULL: a change to
 * account id) to settle; prints the status. settled (may be NULL) receives
 * the settled account's id (a UUID: 37 bytes are enough). */
static int commvault_settle(ak_client *c, const char *after, const char *id, char settled[64]) {
  ak_result *r = NULL;
  ak_error *err = NULL;
  if (ak_wait_for(&r, c, after, id, 30, &err) != AK_OK) return report(stderr, "wait", err);
  printf("%-18s -> settled: \"%s\" %s\n", "wait", ak_result_status(r), ak_result_id(r));
  if (settled) snprintf(settled, 64, "%s", ak_result_id(r));
  ak_result_free(r);
  return 0;
}

/* Runs op on account id with the JSON members rest (may be ""), then waits for it. */
static int commvault_change(ak_client *c, const char *op, const char *id, const char *rest) {
  char json[512];
  snprintf(json, sizeof json, "{\"id\": \"%s\"%s}", id, rest);
  ak_result *r = run(c, op, json, NULL);
  if (!r) return 1;
  ak_result_free(r);
  return commvault_settle(c, NULL, id, NULL);
}

static int commvault_flow(ak_client *c) {
  ak_error *err = NULL;
  if (ak_client_set_option(c, "poll_initial_ms", "100", &err) != AK_OK) return report(stderr, "options", err);

  /* A new customer is a fulfillment: the wait follows it to the new account. */
  ak_result *r = run(c, "create_account",
                     "{\"account\": {\"externalId\": \"NW-1001\", \"name\": \"Northwind Traders\","
                     " \"contacts\": [{\"type\": \"admin\", \"email\": \"it@northwind.example\","
                     " \"firstName\": \"Nancy\", \"lastName\": \"Davolio\"}]},"
                     " \"service\": {\"skus\": [{\"sku\": \"MET-M365-BASIC\", \"quantity\": 50}]}}", NULL);
  if (!r) return 1;
  char id[64];
  int failed = commvault_settle(c, "create_account", ak_result_id(r), id);
  ak_result_free(r);
  if (failed) return 1;

  char json[256];
  snprintf(json, sizeof json, "{\"id\": \"%s\"}", id);
  r = run(c, "get_account", json, NULL);
  failed = !r;
  ak_result_free(r);
  /* website null removes it; the admin contact changes as a whole. */
  failed = failed || commvault_change(c, "update_account", id,
                                      ", \"externalId\": \"NW-1001\", \"name\": \"Northwind Traders (EU)\","
                                      " \"website\": null, \"contacts\": []");
  /* Deactivation stops at least one of login, backup and restore. */
  failed = failed || commvault_change(c, "deactivate_account", id, ", \"disableLogin\": true, \"disableBackup\": true");
  failed = failed || commvault_change(c, "activate_account", id, "");
  if (failed) return 1;
  /* Tenants are deleted in the MSP portal only: the API has no delete. */
  r = run(c, "list_accounts", "{\"filter\": \"Northwind\"}", NULL);
  if (!r) return 1;
  ak_result_free(r);
  return 0;
}

/* API v3: JSON:API documents and PATCH, the reseller (a client option) in every path. */
static int activeplatform_v3_flow(ak_client *c) {
  ak_result *r = run(c, "create_account",
                     "{\"account_type_id\": 1, \"first_name\": \"Katherine\", \"last_name\": \"Johnson\","
                     " \"email\": \"katherine@example.com\"}", NULL);
  if (!r) return 1;
  char id[32], json[128];
  snprintf(id, sizeof id, "%s", ak_result_id(r));
  ak_result_free(r);
  snprintf(json, sizeof json, "{\"account_id\": %s}", id);
  if (!(r = run(c, "get_account", json, NULL))) return 1;
  ak_result_free(r);
  /* PATCH: only what is given changes (the vendor requires account_type_id even here). */
  snprintf(json, sizeof json, "{\"account_id\": %s, \"account_type_id\": 1, \"middle_name\": \"G\"}", id);
  if (!(r = run(c, "update_account", json, NULL))) return 1;
  ak_result_free(r);
  if (!(r = run(c, "list_accounts", "{\"filter\": {\"email\": \"katherine@example.com\"}}", NULL))) return 1;
  printf("                      %zu account(s) listed\n", ak_result_size(r, "accounts"));
  ak_result_free(r);
  return 0;
}

int main(void) {
  ak_sandbox *sb = NULL;
  ak_error *err = NULL;
  int (*flows[])(ak_client *) = {digital99_flow, activeplatform_flow, activeplatform_v3_flow, commvault_flow};
  const char *vendors[] = {"99digital", "activeplatform", "activeplatform-v3", "commvault"};
  int rc = 0;

  /* Commvault's asynchronous changes settle after 300 ms here (2 s by default). */
  if (ak_sandbox_new(&sb, &err) != AK_OK ||
      ak_sandbox_set_option(sb, "commvault.update_delay_ms", "300", &err) != AK_OK ||
      ak_sandbox_start(sb, 0, &err) != AK_OK)
    return report(stderr, "starting the sandbox", err);
  printf("accountkit %s, sandbox on port %d\n", ak_version(), ak_sandbox_port(sb));
  for (size_t i = 0; i < sizeof flows / sizeof flows[0] && rc == 0; ++i) {
    ak_client *c = sandbox_client(sb, vendors[i]);
    rc = c ? flows[i](c) : 1;
    ak_client_free(c);
  }
  ak_sandbox_free(sb);
  if (rc == 0) printf("\nlifecycle complete\n");
  return rc;
}
