/*
 * accountkit/plan.h: the common account view and plans (desired state
 * against what a vendor holds). Part of <accountkit/accountkit.h>, which
 * includes it; its conventions hold here. Nothing here needs a client or
 * sends anything: callers list the accounts themselves (ak_list) and hand
 * them over as JSON text.
 */
#ifndef ACCOUNTKIT_PLAN_H
#define ACCOUNTKIT_PLAN_H

#include "accountkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the common account view ------------------------------------------------ */

/* Reads record_json, one account record of vendor (the JSON text of a
 * get_account result, ak_result_json, or of one item of a list_accounts
 * page, ak_result_get_json), as the same few fields for every vendor; *out_json receives the JSON
 * object {"vendor", "id", "name", "status", "vendor_status", "email",
 * "country", "key", "created", "updated", "record"}:
 *  - id, name, email, country and key (your own key for the account: 99digital
 *    "reference", Commvault "externalId"; for ActivePlatform, the custom
 *    attribute ak_account_view_with's key_attribute names, else none) are
 *    strings, or null where the vendor has no such field or the record none;
 *  - status is "active", "suspended", "pending", "deleted" or "unknown" (null
 *    when the record has none); vendor_status is the vendor's own value;
 *  - created and updated are ISO 8601 UTC, "2026-12-02T13:04:05Z" (null when
 *    the record has none or it is not a time);
 *  - record is the record itself, the value of every secret key masked.
 * docs/vendors/<vendor>.md, "Account view", lists each vendor's fields and
 * statuses. *out_json: caller frees with ak_string_free; NULL on failure.
 * Needs no client and sends nothing. Fails with AK_E_INVALID_ARGUMENT for an
 * unknown vendor or a record that is not a JSON object. Any thread. */
AK_API ak_status ak_account_view(char **out_json, const char *vendor, const char *record_json, ak_error **err);

/* ---- plans: desired state against what a vendor holds ---------------------- */

/* The plan that brings vendor's accounts in line with desired records
 * (docs/plan.md has the rules): desired_json is a JSON array of
 * {"line": n, "fields": {create_account's fields}, "status": "active" |
 * "suspended" | null} (line: where the record came from, 1 or more and no
 * other record's; default its position), current_json an array of the accounts
 * the vendor holds as ak_account_view gives them, or {"accounts": [those],
 * "in_flight": [the items of the vendor's listing of creates in flight,
 * Commvault's list_fulfillments]}: a record whose account is still being
 * created is then a conflict, not a second create; prune nonzero removes
 * accounts only at the vendor where the vendor can and they carry your key.
 * *out_json: {"vendor": ..., "steps": [{"action": "create" | "update" |
 * "suspend" | "resume" | "no_change" | "conflict" | "only_at_vendor" |
 * "remove", "key", "id", "line", "operation", "fields", "changes": [{"field",
 * "from", "to", "applied"}], "expect", "reason"}, ...]}, in the order of the
 * desired records, then the accounts only at the vendor. Secret fields are
 * "***" in "fields": a create sends the desired record itself. Run a step's
 * "operation" with its "fields" (ak_call) after checking, with
 * ak_plan_changed_since, that the account still shows "expect". Caller frees
 * with ak_string_free. Sends nothing; any thread. AK_E_INVALID_ARGUMENT for an
 * unknown vendor, malformed input, or a vendor that cannot be planned
 * (ActivePlatform without a key_attribute: ak_plan_with; activeplatform-v3,
 * whose create_account sets no custom attributes). */
AK_API ak_status ak_plan(char **out_json, const char *vendor, const char *desired_json, const char *current_json,
                         int prune, ak_error **err);
/* What changed in an account (view_json: its view now) since a plan read it
 * (expect_json: the step's "expect"): *out_text is "" when nothing did, else
 * for example "account_name is now \"B\", the plan read \"A\"". Caller frees
 * with ak_string_free. Any thread. */
AK_API ak_status ak_plan_changed_since(char **out_text, const char *expect_json, const char *view_json,
                                       ak_error **err);

#define AK_PLAN_OPTIONS_VERSION 1
/* What a plan or an account view may take beyond its inputs. Initialise with
 * AK_PLAN_OPTIONS_INIT (or zero it and set version), then set what you need;
 * fields added later come after these, and version says which are there. */
typedef struct ak_plan_options {
  unsigned int version; /* AK_PLAN_OPTIONS_VERSION */
  /* Nonzero: plan removing the accounts only at the vendor (ak_plan's prune).
   * Account views ignore it. */
  int prune;
  /* For a vendor whose accounts have no field for your own key but custom
   * attributes (ActivePlatform's custom_attributes, {"key", "value"}): the
   * key of the attribute that holds it, as your installation defines it
   * ("partner_id"); its value is the account's "key", in desired records
   * (their create fields' custom_attributes) and in accounts alike. NULL or
   * "": none. AK_E_INVALID_ARGUMENT for a vendor that keeps your key in a
   * field of its own (99digital, Commvault). Copied; the caller keeps it. */
  const char *key_attribute;
} ak_plan_options;
#define AK_PLAN_OPTIONS_INIT {AK_PLAN_OPTIONS_VERSION, 0, NULL}

/* ak_account_view and ak_plan with options (opts NULL: as without, prune 0).
 * ak_plan_with reads an ActivePlatform account's key from its "record" with
 * the key_attribute, whatever its view's "key" says. AK_E_INVALID_ARGUMENT
 * for an unknown version. */
AK_API ak_status ak_account_view_with(char **out_json, const char *vendor, const char *record_json,
                                      const ak_plan_options *opts, ak_error **err);
AK_API ak_status ak_plan_with(char **out_json, const char *vendor, const char *desired_json, const char *current_json,
                              const ak_plan_options *opts, ak_error **err);


#ifdef __cplusplus
}
#endif

#endif /* ACCOUNTKIT_PLAN_H */
