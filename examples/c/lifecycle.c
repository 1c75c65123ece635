/* The account lifecycle against the embedded sandbox: create an account,
 * rename and disable it, list accounts, delete it. Exits non-zero on any
 * unexpected outcome, so it doubles as a test. */
#include <accountkit/accountkit.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Prints an error with every field problem; returns 1 for use as an exit code. */
static int report(FILE *to, const char *what, ak_error *err) {
  fprintf(to, "%-15s -> error [%s] %s\n", what, ak_error_category(err), ak_error_message(err));
  for (size_t i = 0; i < ak_error_field_count(err); ++i)
    fprintf(to, "%18s %s (%s): %s\n", "", ak_error_field_path(err, i), ak_error_field_rule(err, i),
            ak_error_field_message(err, i));
  ak_error_free(err);
  return 1;
}

/* Runs one call from JSON fields and prints the outcome. Returns the result,
 * or NULL on error (reported on stdout when expected, stderr otherwise). */
static ak_result *run(ak_client *c, const char *op, const char *json, int expect_error) {
  ak_fields *f = NULL;
  ak_result *r = NULL;
  ak_error *err = NULL;
  if (ak_fields_from_json(&f, json, strlen(json), &err) != AK_OK) {
    report(stderr, "parsing fields", err);
    return NULL;
  }
  if (ak_call(c, op, f, &r, &err) != AK_OK) report(expect_error ? stdout : stderr, op, err);
  else printf("%-15s -> %s\n", op, ak_result_json(r));
  ak_fields_free(f);
  return r;
}

int main(void) {
  ak_sandbox *sb = NULL;
  ak_client *c = NULL;
  ak_error *err = NULL;
  ak_result *r = NULL;
  char body[256];
  int64_t id = 0;
  int rc = 1;

  if (ak_sandbox_new(&sb, &err) != AK_OK || ak_sandbox_start(sb, 0, &err) != AK_OK)
    return report(stderr, "starting the sandbox", err);
  printf("sandbox: %s (accountkit %s)\n", ak_sandbox_vendor_url(sb, "99digital"), ak_version());
  if (ak_client_new(&c, "99digital", &err) != AK_OK || ak_sandbox_configure_client(sb, c, &err) != AK_OK) {
    report(stderr, "creating the client", err);
    goto done;
  }

  /* Invalid input: every problem reported at once, nothing sent. */
  r = run(c, "create_account",
          "{\"account_name\": \"Acme\", \"agents\": 12345, \"admin_email\": \"not-an-email\","
          " \"admin_password\": \"short\"}", 1);
  if (r) goto done;

  r = run(c, "create_account",
          "{\"account_name\": \"Acme Inc\", \"agents\": 10, \"inboxes\": 5,"
          " \"admin_email\": \"owner@acme.example\", \"admin_name\": \"Ada Owner\","
          " \"admin_displayName\": \"Ada\", \"admin_password\": \"Str0ng!pass\","
          " \"admin_2fa\": 1, \"admin_2fa_value\": \"owner@acme.example\", \"reference\": \"crm4711\"}", 0);
  if (!r || ak_result_get_int(r, "account_id", &id) != AK_OK) goto done;
  ak_result_free(r);

  snprintf(body, sizeof body,
           "{\"account_id\": %" PRId64 ", \"server\": \"online\", \"account_name\": \"Acme Ltd\","
           " \"account_status\": 0}", id);
  if (!(r = run(c, "update_account", body, 0))) goto done;
  printf("                   status is now \"%s\"\n", ak_result_status(r));
  ak_result_free(r);

  if (!(r = run(c, "list_accounts", "{}", 0))) goto done;
  printf("                   %zu account(s) listed\n", ak_result_size(r, "list"));
  ak_result_free(r);

  snprintf(body, sizeof body, "{\"accountID\": %" PRId64 ", \"server\": \"online\"}", id);
  if (!(r = run(c, "delete_account", body, 0))) goto done;
  ak_result_free(r);

  /* Deleting again: the vendor says the account does not exist. */
  r = run(c, "delete_account", body, 1);
  if (r) goto done;
  rc = 0;

done:
  ak_result_free(r);
  ak_client_free(c);
  ak_sandbox_free(sb);
  if (rc == 0) printf("lifecycle complete\n");
  return rc;
}
