/* Bulk provisioning with ak_batch against the embedded sandbox: 500 99digital
 * accounts with at most 16 requests in flight on this one thread, plus two
 * records that fail validation (their outcome, like any other). Outcomes come
 * back in completion order with the tag given at submit: here the record's
 * number. Exits non-zero on any unexpected outcome, so it doubles as a test. */
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { RECORDS = 500, IN_FLIGHT = 16, INVALID_EVERY = 250 };

static int fail(const char *what, ak_error *err) {
  fprintf(stderr, "%s: %s\n", what, err ? ak_error_message(err) : "failed");
  ak_error_free(err);
  return 1;
}

/* Record i's fields; every INVALID_EVERY-th has too many agents (4 digits at most). */
static ak_fields *record(int i) {
  char json[512];
  snprintf(json, sizeof json,
           "{\"account_name\":\"Shop %d\",\"agents\":%d,\"inboxes\":2,\"admin_email\":\"owner%d@shop.example\","
           "\"admin_name\":\"Owner %d\",\"admin_displayName\":\"Owner\",\"admin_password\":\"Str0ng!pass\","
           "\"reference\":\"shop%d\"}",
           i, i % INVALID_EVERY == 0 ? 12345 : 5, i, i, i);
  ak_fields *f = NULL;
  return ak_fields_from_json(&f, json, strlen(json), NULL) == AK_OK ? f : NULL;
}

int main(void) {
  ak_sandbox *sb = NULL;
  ak_client *c = NULL;
  ak_batch *b = NULL;
  ak_error *err = NULL;
  if (ak_sandbox_new(&sb, &err) != AK_OK || ak_sandbox_start(sb, 0, &err) != AK_OK) return fail("sandbox", err);
  if (ak_client_new(&c, "99digital", &err) != AK_OK || ak_sandbox_configure_client(sb, c, &err) != AK_OK)
    return fail("client", err);
  if (ak_batch_new(&b, c, IN_FLIGHT, &err) != AK_OK) return fail("batch", err);

  /* Submit as results drain, so no more than 2 x IN_FLIGHT records are held at once. */
  int next = 0, created = 0, invalid = 0, unexpected = 0;
  while (next < RECORDS || ak_batch_pending(b) > 0) {
    while (next < RECORDS && ak_batch_pending(b) < 2 * IN_FLIGHT) {
      ak_fields *f = record(next);
      if (!f || ak_batch_submit(b, "create_account", f, (uint64_t)next, &err) != AK_OK) return fail("submit", err);
      ak_fields_free(f);
      ++next;
    }
    uint64_t tag = 0;
    ak_result *r = NULL;
    ak_error *failure = NULL;
    if (ak_batch_next(&tag, &r, &failure, b, -1, &err) != AK_OK) return fail("next", err);
    if (!r && !failure) continue; /* woken without an outcome */
    int should_fail = tag % INVALID_EVERY == 0;
    if (r && !should_fail) {
      ++created;
    } else if (failure && should_fail && ak_error_code(failure) == AK_E_VALIDATION) {
      ++invalid;
      printf("record %" PRIu64 " (meant to fail): [%s] %s\n", tag, ak_error_category(failure), ak_error_message(failure));
    } else {
      ++unexpected;
      fprintf(stderr, "record %" PRIu64 ": unexpected %s\n", tag, r ? ak_result_json(r) : ak_error_message(failure));
    }
    ak_result_free(r);
    ak_error_free(failure);
  }
  printf("%d accounts created, %d records invalid, %d unexpected outcomes (%d in flight at most)\n", created,
         invalid, unexpected, IN_FLIGHT);
  ak_batch_free(b);
  ak_client_free(c);
  ak_sandbox_free(sb);
  return unexpected == 0 && created == RECORDS - RECORDS / INVALID_EVERY ? 0 : 1;
}
