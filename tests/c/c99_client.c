/* Compiled as C99 with -Wall -Wextra -pedantic -Werror against the installed
 * header: checks the header is valid C99 and the C API behaves from plain C. */
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                  \
    }                                                            \
  } while (0)

int main(void) {
  ak_fields *f = NULL;
  ak_error *err = NULL;
  ak_sandbox *sb = NULL;
  ak_client *c = NULL;
  ak_result *r = NULL;
  int64_t total = -1;

  CHECK(AK_VERSION_CHECK(0, 1, 0));
  CHECK(ak_version_number() == AK_VERSION_MAJOR * 10000 + AK_VERSION_MINOR * 100 + AK_VERSION_PATCH);
  CHECK(strcmp(ak_strerror(AK_E_VALIDATION), "one or more fields are invalid") == 0);

  /* Every *_free accepts NULL. */
  ak_error_free(NULL);
  ak_fields_free(NULL);
  ak_client_free(NULL);
  ak_result_free(NULL);
  ak_sandbox_free(NULL);
  ak_string_free(NULL);

  /* Validation without network: two problems reported at once. */
  CHECK(ak_fields_new(&f, &err) == AK_OK && err == NULL);
  CHECK(ak_fields_set_string(f, "account_name", "Acme", &err) == AK_OK);
  CHECK(ak_fields_set_int(f, "agents", 10000, &err) == AK_OK);
  CHECK(ak_validate("99digital", "create_account", f, &err) == AK_E_VALIDATION);
  CHECK(ak_error_code(err) == AK_E_VALIDATION);
  CHECK(ak_error_field_count(err) >= 2);
  CHECK(ak_error_field_path(err, 999) == NULL);
  ak_error_free(err);
  err = NULL;

  /* Unknown vendor and unknown option name the problem. */
  CHECK(ak_client_new(&c, "nope", &err) == AK_E_INVALID_ARGUMENT && c == NULL);
  CHECK(strstr(ak_error_message(err), "nope") != NULL);
  ak_error_free(err);

  /* One real call through the sandbox. */
  CHECK(ak_sandbox_new(&sb, NULL) == AK_OK);
  CHECK(ak_sandbox_start(sb, 0, NULL) == AK_OK);
  CHECK(ak_client_new(&c, "99digital", NULL) == AK_OK);
  CHECK(ak_client_set_option(c, "no_such_option", "1", &err) == AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  CHECK(ak_sandbox_configure_client(sb, c, NULL) == AK_OK);
  CHECK(ak_call(&r, c, "list_accounts", NULL, NULL) == AK_OK);
  CHECK(ak_result_get_int(&total, r, "totalOnline", NULL) == AK_OK && total == 0);
  CHECK(ak_result_get_int(&total, r, "missing", NULL) == AK_E_NOT_FOUND);

  ak_result_free(r);
  ak_client_free(c);
  ak_sandbox_free(sb);
  ak_fields_free(f);
  puts("c99 client ok");
  return 0;
}
