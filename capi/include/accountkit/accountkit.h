/*
 * accountkit.h: create, update, read, list and delete customer accounts on
 * vendor platforms (99digital, ...) through one model, one error taxonomy and
 * local validation that reports every field problem at once.
 *
 * CONVENTIONS (they hold for every function below unless its comment says otherwise)
 *
 *  - Handles are opaque and allocated by the library. Each constructor has a
 *    matching *_free; *_free(NULL) is a no-op.
 *  - Input strings are UTF-8, NUL-terminated, and copied: the caller may free
 *    or reuse them as soon as the call returns.
 *  - Returned "const char *" strings are owned by the handle that returned
 *    them and stay valid until that handle is freed (or, where noted, until the
 *    next call on it). Never free them. "char *" strings documented as "caller
 *    frees" are released with ak_string_free().
 *  - Fallible functions return an ak_status (AK_OK is 0). When "err" is not
 *    NULL and the call fails, *err receives a new error object the caller
 *    releases with ak_error_free(); on success *err is set to NULL. Pass NULL
 *    to ignore details. No exception or signal ever crosses this boundary.
 *  - Parameter order: out-parameters first, then the handle acted on, then
 *    the inputs, and "ak_error **err" last (libgit2's order).
 *  - Error messages never contain secrets (client secrets, passwords, tokens).
 *  - Threads: an ak_client may be used from many threads at once. ak_fields,
 *    ak_result and ak_error objects belong to one thread at a time (they may
 *    move between threads).
 *  - Children keep what they need alive: results and pagers may outlive the
 *    client that made them, so handles may be freed in any order.
 *
 * The header compiles as C99 and as C++. The vendors' emulator for tests is
 * a separate library and header, outside this ABI promise:
 * <accountkit/sandbox.h> (pkg-config accountkit-sandbox).
 */
#ifndef ACCOUNTKIT_H
#define ACCOUNTKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(AK_BUILDING)
#define AK_API __attribute__((visibility("default")))
#else
#define AK_API
#endif

/* ---- version ------------------------------------------------------------ */

#define AK_VERSION_MAJOR 0
#define AK_VERSION_MINOR 2
#define AK_VERSION_PATCH 0
/* Non-zero when the header is at least version x.y.z. */
#define AK_VERSION_CHECK(x, y, z)                                  \
  ((AK_VERSION_MAJOR > (x)) ||                                     \
   (AK_VERSION_MAJOR == (x) && AK_VERSION_MINOR > (y)) ||          \
   (AK_VERSION_MAJOR == (x) && AK_VERSION_MINOR == (y) && AK_VERSION_PATCH >= (z)))

/* The library's version as "MAJOR.MINOR.PATCH" (static storage). */
AK_API const char *ak_version(void);
/* The library's version as MAJOR*10000 + MINOR*100 + PATCH, to compare with the
 * header's macros at run time. */
AK_API int ak_version_number(void);

/* ---- status codes ------------------------------------------------------- */

/* Values are never renumbered or reused. The category of an error. Some
 * statuses refine a broader one (ak_status_parent): every binding's error
 * hierarchy follows that table. */
typedef enum ak_status {
  AK_OK = 0,
  AK_E_INVALID_ARGUMENT = 1,  /* caller misuse: NULL handle, bad option, bad path, unknown vendor */
  AK_E_VALIDATION = 2,        /* field problems (local, or reported by the vendor); see field errors */
  AK_E_AUTH = 3,              /* credentials missing, wrong, expired or blocked */
  AK_E_NOT_FOUND = 4,         /* the account does not exist */
  AK_E_RATE_LIMITED = 5,      /* the vendor asked to slow down; see ak_error_retry_after */
  AK_E_VENDOR = 6,            /* the vendor failed or refused for another reason */
  AK_E_TRANSPORT = 7,         /* connection, TLS, redirect or response-size failure */
  AK_E_TIMEOUT = 8,           /* connect or total timeout (a kind of AK_E_TRANSPORT) */
  AK_E_DECODE = 9,            /* the vendor's response could not be understood (a kind of AK_E_VENDOR) */
  AK_E_UNKNOWN_OPERATION = 10,/* the vendor has no such operation (a kind of AK_E_INVALID_ARGUMENT) */
  AK_E_OUTCOME_UNKNOWN = 11,  /* a create may or may not have happened */
  AK_E_NOMEM = 12,            /* out of memory (no error object could be made) */
  AK_E_INTERNAL = 13,         /* a bug in accountkit: please report it */
  AK_E_OPERATION_FAILED = 14, /* an asynchronous operation settled in failure */
  AK_E_CANCELLED = 15         /* cancelled by its caller before it finished (a create or delete that
                                 may have reached the vendor is AK_E_OUTCOME_UNKNOWN instead) */
} ak_status;

/* A one-sentence English description of a status (static storage; never NULL). */
AK_API const char *ak_strerror(ak_status status);
/* The stable snake_case name of a status ("ok", "validation", "not_found",
 * "no_memory", ...; static storage), or NULL for a number that is no status.
 * A name is never changed or reused: bindings read their tables from here. */
AK_API const char *ak_status_name(int status);
/* The broader status that status refines, or AK_OK when none: AK_E_TIMEOUT is
 * a kind of AK_E_TRANSPORT, AK_E_DECODE of AK_E_VENDOR, AK_E_UNKNOWN_OPERATION
 * of AK_E_INVALID_ARGUMENT. AK_OK for a number that is no status. */
AK_API ak_status ak_status_parent(int status);

/* ---- errors ------------------------------------------------------------- */

typedef struct ak_error ak_error;

/* Creates an error object with a status and a copy of message, for libraries
 * layered on accountkit (the sandbox) and bindings that report their own
 * failures as ak_error. NULL for AK_OK or a number that is no status, or when
 * out of memory. The caller frees it with ak_error_free. */
AK_API ak_error *ak_error_new(ak_status code, const char *message);
/* Releases an error. NULL is a no-op. */
AK_API void ak_error_free(ak_error *err);
/* The status the failing call returned. */
AK_API ak_status ak_error_code(const ak_error *err);
/* The status as its stable name (ak_status_name): "validation", "auth", ... */
AK_API const char *ak_error_category(const ak_error *err);
/* A full sentence naming vendor and operation; never contains a secret. */
AK_API const char *ak_error_message(const ak_error *err);
/* The vendor and operation the error belongs to ("" when not applicable). */
AK_API const char *ak_error_vendor(const ak_error *err);
AK_API const char *ak_error_operation(const ak_error *err);
/* The HTTP status of the vendor's answer, or 0 when none was received. */
AK_API long ak_error_http_status(const ak_error *err);
/* The vendor's raw error code as text (99digital "reason"), or "". */
AK_API const char *ak_error_vendor_code(const ak_error *err);
/* The vendor's request id (X-Request-Id), or "". */
AK_API const char *ak_error_request_id(const ak_error *err);
/* The vendor's response body, secrets replaced by "***", or "". */
AK_API const char *ak_error_raw_body(const ak_error *err);
/* Non-zero when sending the same call again later may succeed. */
AK_API int ak_error_is_retriable(const ak_error *err);
/* How many HTTP attempts were made (0 when none, e.g. local validation). */
AK_API int ak_error_attempts(const ak_error *err);
/* Seconds the vendor asked to wait before retrying, or -1 if it did not say. */
AK_API double ak_error_retry_after(const ak_error *err);
/* Field errors (validation): count, then path/rule/message of entry i (0-based).
 * Paths look like "contacts[0].address.city"; rules are stable names such as
 * "required", "type", "max_length", "max_digits", "max_items", "enum",
 * "email", "url", "phone", "country", "password", "letters_digits",
 * "required_if", "all_or_none", "conflict", "range", "positive", "not_null",
 * "unknown_field", "control_characters" (CR, LF or NUL in a value sent in
 * the URL; checked even with validation off), "path_segment" (a path
 * parameter that is empty, "." or ".."; likewise) and "vendor" (reported by
 * the vendor).
 * Out-of-range i returns NULL. */
AK_API size_t ak_error_field_count(const ak_error *err);
AK_API const char *ak_error_field_path(const ak_error *err, size_t i);
AK_API const char *ak_error_field_rule(const ak_error *err, size_t i);
AK_API const char *ak_error_field_message(const ak_error *err, size_t i);
/* AK_E_OUTCOME_UNKNOWN after a lost create was looked up: the ids of every
 * account that may be this request's (none provably is). Count, then entry i
 * (0-based, owned by err; NULL when out of range). Since 0.2.1. */
AK_API size_t ak_error_candidate_count(const ak_error *err);
AK_API const char *ak_error_candidate(const ak_error *err, size_t i);

/* Releases a string the library documented as "caller frees". NULL is a no-op. */
AK_API void ak_string_free(char *s);

/* ---- fields: a request's fields ----------------------------------------- */

/* A JSON-like tree that tells a field left out (absent) from a field set to
 * null. Paths name places in the tree: "account_name", "contacts[0].email",
 * "address.city". Setting a path creates the objects and arrays on the way
 * (arrays grow with nulls). Field names are the vendor's own spelling.
 * Limits (AK_E_INVALID_ARGUMENT beyond them, naming the rule): a path has at
 * most 64 parts and its indexes add up to at most 100000; fields nest at most
 * 64 levels (the path of their deepest value has at most 64 parts). */
typedef struct ak_fields ak_fields;

/* Creates an empty field set (an empty JSON object). */
AK_API ak_status ak_fields_new(ak_fields **out, ak_error **err);
/* Parses a JSON object into a new field set (null stays null; keys left out
 * stay absent). Fails with AK_E_INVALID_ARGUMENT if the text is not a JSON
 * object, gives a key twice in one object or nests too deep. len is the
 * text's length in bytes. *out: caller frees with ak_fields_free. */
AK_API ak_status ak_fields_from_json(ak_fields **out, const char *json, size_t len, ak_error **err);
/* Releases a field set. NULL is a no-op. */
AK_API void ak_fields_free(ak_fields *f);
/* Setters: replace whatever is at path. */
AK_API ak_status ak_fields_set_string(ak_fields *f, const char *path, const char *value, ak_error **err);
AK_API ak_status ak_fields_set_int(ak_fields *f, const char *path, int64_t value, ak_error **err);
AK_API ak_status ak_fields_set_double(ak_fields *f, const char *path, double value, ak_error **err);
AK_API ak_status ak_fields_set_bool(ak_fields *f, const char *path, int value, ak_error **err);
/* Sets an explicit null (sent as null, unlike a field that is left out). */
AK_API ak_status ak_fields_set_null(ak_fields *f, const char *path, ak_error **err);
/* Sets a subtree from JSON text (an object, array or scalar). */
AK_API ak_status ak_fields_set_json(ak_fields *f, const char *path, const char *json, size_t len, ak_error **err);
/* Removes the field at path (it becomes absent). Removing an absent field is not an error. */
AK_API ak_status ak_fields_unset(ak_fields *f, const char *path, ak_error **err);
/* Binds an account id given positionally (get_account(id), update_account(id,
 * ...)) to the id field of vendor's operation (ak_vendors_json "id_field":
 * 99digital update_account "account_id", delete_account "accountID";
 * ActivePlatform "account_id"; Commvault "id"), as the first field. The id
 * takes the field's type: digits become an integer for an integer field;
 * other text stays text for validation to report. Fails with
 * AK_E_INVALID_ARGUMENT when the operation takes no account id, or when f
 * already holds the id field (the id is given twice, even as null); with
 * AK_E_UNKNOWN_OPERATION for an operation the vendor lacks. Every binding's
 * positional id goes through this function. */
AK_API ak_status ak_fields_set_id(ak_fields *f, const char *vendor, const char *operation, const char *id,
                                  ak_error **err);
/* The fields as JSON text. *out: caller frees with ak_string_free. */
AK_API ak_status ak_fields_to_json(char **out, const ak_fields *f, ak_error **err);

/* ---- client ------------------------------------------------------------- */

typedef struct ak_client ak_client;

/* Creates a client for a vendor ("99digital"). Unknown vendors fail with
 * AK_E_INVALID_ARGUMENT. Set options before the first call. *out: caller
 * frees with ak_client_free. */
AK_API ak_status ak_client_new(ak_client **out, const char *vendor, ak_error **err);
/* Releases a client. Must not race with calls still running on it. NULL is a no-op. */
AK_API void ak_client_free(ak_client *c);
/* The client's vendor name (owned by the library; static storage). */
AK_API const char *ak_client_vendor(const ak_client *c);

/* Sets an option by name; values are text, parsed per option. Unknown names
 * and malformed values fail with AK_E_INVALID_ARGUMENT naming the option.
 * Calls that start afterwards use the new value (setting an option drops the
 * client's cached token and connections). Thread-safe.
 *
 *  base_url            vendor URL (default: the vendor's documented host)
 *  timeout_ms          total time for one HTTP exchange (default 30000)
 *  connect_timeout_ms  time to connect (default 10000)
 *  verify_tls          "true"/"false" (default true; turn off only for tests)
 *  validate            "true"/"false": validate fields before sending (default true)
 *  max_response_bytes  responses larger than this are refused (default 16 MiB)
 *  ca_file             PEM bundle to trust instead of the system store
 *  user_agent          User-Agent header (default "accountkit/VERSION")
 *  poll_initial_ms     ak_wait's first polling interval (default 1000)
 *  poll_max_ms         ak_wait's longest polling interval (default 15000)
 *
 *  Retries (reads, updates and deletes on connection errors, timeouts, 5xx and
 *  429; a create only once it is known not to have landed, see ak_call):
 *  max_attempts          attempts per call, the first included (default 3; 1 = no retries)
 *  retry_base_ms         backoff base: attempt n waits a random time in
 *                        [0, min(retry_max_ms, retry_base_ms * 2^(n-1))] (default 200)
 *  retry_max_ms          longest backoff (default 5000)
 *  retry_time_budget_ms  no retry starts after this much time in one call (default 30000)
 *  retry_after_max_ms    a Retry-After longer than this is not waited for: the
 *                        error is returned with ak_error_retry_after (default 60000)
 *  retry_quota           retries this client may spend while the vendor keeps
 *                        failing; each success refills a tenth (default 10; 0 = none)
 *  retry_seed            seeds the backoff jitter and generated keys (tests)
 *  lookup_settle_ms      a lost create that its lookup finds nowhere, while the
 *                        attempt may still land (it was cut off, not answered),
 *                        is looked up once more after this long before it is
 *                        AK_E_OUTCOME_UNKNOWN (default 5000)
 *
 *  Rate limits, kept by the client for every request it sends (retries and
 *  batches included, token requests not); a request waits for its slot:
 *  requests_per_second     a steady pace, decimals allowed (default 0: none)
 *  reads_per_hour          GET requests in any sliding hour (default: the
 *                          vendor's documented budget, Commvault 1000; 0: none)
 *  writes_per_hour         other requests in any sliding hour (default: the
 *                          vendor's documented budget, Commvault 100; 0: none)
 *  rate_limit_max_wait_ms  a request whose slot is further away than this is
 *                          not sent: it fails with AK_E_RATE_LIMITED, retriable,
 *                          ak_error_retry_after saying when (default 60000)
 *  The budgets are per client: clients sharing a vendor account (tenant)
 *  share the vendor's budget but not each other's counts.
 *  credentials, named as the vendor names them:
 *    99digital:      client_id + client_secret (token fetched and refreshed), or access_token
 *    activeplatform: api_token (sent as a query parameter; base_url is required)
 *    commvault:      username + password (token fetched, re-fetched once on 401), or access_token
 */
AK_API ak_status ak_client_set_option(ak_client *c, const char *name, const char *value, ak_error **err);

/* Checks the client's credentials without touching an account: fetches a
 * token if the vendor uses one (99digital client_id/client_secret, Commvault
 * username/password). *checked (may be NULL) is 1 when they were checked, 0
 * when the vendor checks its credential only on a real call (a static token).
 * A refusal (AK_E_AUTH) is remembered: every later call of this client fails
 * with it at once, sending nothing, until a credential option is set again.
 * Since 0.2.1. */
AK_API ak_status ak_client_check_credentials(int *checked, ak_client *c, ak_error **err);

/* Log levels (the same numbers as Python's logging module). */
typedef enum ak_log_level {
  AK_LOG_DEBUG = 10,   /* every HTTP exchange: method, URL, status, time */
  AK_LOG_INFO = 20,    /* notable events: a lost create found again */
  AK_LOG_WARNING = 30, /* retries, TLS verification turned off */
  AK_LOG_ERROR = 40
} ak_log_level;

/* Receives one log line (NUL-terminated, valid during the call only). Secrets
 * are replaced by "***" before the callback sees the line. */
typedef void (*ak_log_fn)(void *user_data, ak_log_level level, const char *message);

/* Sends the client's log lines at min_level and above to fn (NULL turns
 * logging off). fn is called on the thread that makes the call being logged,
 * possibly from several threads at once; it must not call back into this
 * client. user_data is passed through untouched and must outlive the client
 * (or the next ak_client_set_log_callback). */
AK_API ak_status ak_client_set_log_callback(ak_client *c, ak_log_level min_level, ak_log_fn fn, void *user_data,
                                            ak_error **err);

/* ---- results ------------------------------------------------------------ */

typedef struct ak_result ak_result;

/* Releases a result. NULL is a no-op. */
AK_API void ak_result_free(ak_result *r);
/* The whole result as compact JSON: the vendor's response fields by their own
 * names, envelope removed, ids normalised to integers where the vendor mixes
 * strings and numbers. Owned by r. */
AK_API const char *ak_result_json(const ak_result *r);
/* The account id the result names, as text, or "" (owned by r). */
AK_API const char *ak_result_id(const ak_result *r);
/* The account's normalised status ("active", "suspended", ...), or "" (owned by r). */
AK_API const char *ak_result_status(const ak_result *r);
/* 1 when r is a create whose answer was lost and whose account was found
 * again by its natural key (provably this request's; docs/reliability.md):
 * its fields are what the vendor's list shows. Since 0.2.1. */
AK_API int ak_result_is_recovered(const ak_result *r);
/* A recovered result: field i (0-based) that a normal answer carries and the
 * lookup could not (99digital: "agent_id"), or NULL past the last. Owned by r. */
AK_API const char *ak_result_unavailable(const ak_result *r, size_t i);
/* Typed reads by path ("list[0].account_name"). A path that holds nothing
 * returns AK_E_NOT_FOUND; a malformed path, or a value of another type,
 * AK_E_INVALID_ARGUMENT; *err (when not NULL) says which. get_string's *out
 * is owned by r. get_json's *out: caller frees (ak_string_free). */
AK_API ak_status ak_result_get_string(const char **out, const ak_result *r, const char *path, ak_error **err);
AK_API ak_status ak_result_get_int(int64_t *out, const ak_result *r, const char *path, ak_error **err);
AK_API ak_status ak_result_get_double(double *out, const ak_result *r, const char *path, ak_error **err);
AK_API ak_status ak_result_get_bool(int *out, const ak_result *r, const char *path, ak_error **err);
AK_API ak_status ak_result_get_json(char **out, const ak_result *r, const char *path, ak_error **err);
/* Non-zero if the path exists and holds null. */
AK_API int ak_result_is_null(const ak_result *r, const char *path);
/* Number of elements of the array (or members of the object) at path; 0 if absent. */
AK_API size_t ak_result_size(const ak_result *r, const char *path);

/* ---- calls -------------------------------------------------------------- */

/* Runs an operation ("create_account", "update_account", "list_accounts",
 * "delete_account", ...) with the given fields (NULL = no fields). Validates
 * first unless the "validate" option is off: invalid fields fail with
 * AK_E_VALIDATION listing every problem, and nothing is sent. On success *out
 * receives a new result (caller frees with ak_result_free). Blocks the
 * calling thread for the network exchange. Thread-safe on one client.
 *
 * Retries follow the client's retry options. A create is never resent
 * blindly: when its answer is lost (timeout, dropped connection, garbled body
 * or a 5xx), 99digital's create is looked up by its "reference" (the
 * caller's, or one accountkit generates and returns in the result) and the
 * existing account is returned, or the create is sent again only when it is
 * certainly absent; vendors without such a key (ActivePlatform) fail with
 * AK_E_OUTCOME_UNKNOWN and a message saying how to check. */
AK_API ak_status ak_call(ak_result **out, ak_client *c, const char *operation, const ak_fields *fields,
                         ak_error **err);

/* For asynchronous vendors (docs/vendors/commvault.md): polls the account named by
 * id until its status leaves the vendor's pending states ("updating"), with
 * exponential backoff (client options poll_initial_ms, default 1000, and
 * poll_max_ms, default 15000) and waiting out 429 Retry-After. On success *out
 * receives the settled account (caller frees). A failure status
 * ("update_failure") returns AK_E_OPERATION_FAILED; AK_E_TIMEOUT when
 * timeout_s passes first; AK_E_UNKNOWN_OPERATION for a synchronous vendor;
 * AK_E_INVALID_ARGUMENT for a timeout_s that is not above 0 and at most 86400.
 * Blocks the calling thread. Thread-safe on one client. */
AK_API ak_status ak_wait(ak_result **out, ak_client *c, const char *id, double timeout_s, ak_error **err);

/* ak_wait for the result of operation after: id is that result's id (its
 * ak_result_id). Where the result is not yet an account, the wait follows it
 * to one: Commvault's create_account answers with a fulfillment, and
 * ak_wait_for(&acct, c, "create_account", fulfillment_id, 600, &err) polls
 * get_fulfillment until it is "complete", then the new account until it is
 * settled, all within timeout_s, and returns that account. after NULL or ""
 * is ak_wait. AK_E_UNKNOWN_OPERATION when after is no operation of the
 * vendor or its results do not settle; otherwise as ak_wait. */
AK_API ak_status ak_wait_for(ak_result **out, ak_client *c, const char *after, const char *id, double timeout_s,
                             ak_error **err);

/* ---- pagers: every item of a list operation ------------------------------ */

/* Walks every page of a list operation lazily, one item at a time. */
typedef struct ak_pager ak_pager;

/* Starts a walk over operation ("list_accounts") with filters (NULL = none;
 * the vendor's page-number and page-size fields may be given to choose where
 * to start and how many items each request fetches). No request is made until
 * the first ak_pager_next. The pager keeps the client alive: the client handle
 * may be freed first. Fails with AK_E_UNKNOWN_OPERATION for a non-list
 * operation. *out: caller frees with ak_pager_free. */
AK_API ak_status ak_list(ak_pager **out, ak_client *c, const char *operation, const ak_fields *filters,
                         ak_error **err);
/* Fetches pages as needed and returns the next item in *item (caller frees
 * with ak_result_free; ak_result_id and ak_result_status work on it). At the
 * end it returns AK_OK with *item set to NULL. After an error the same page is
 * requested again on the next call. A pager belongs to one thread at a time. */
AK_API ak_status ak_pager_next(ak_result **item, ak_pager *p, ak_error **err);
/* Releases a pager. NULL is a no-op. */
AK_API void ak_pager_free(ak_pager *p);

/* Validates fields for vendor/operation without any network access, exactly
 * as ak_call does before sending (CR/LF/NUL in URL values included). Returns
 * AK_OK, or AK_E_VALIDATION with every field problem in *err. */
AK_API ak_status ak_validate(const char *vendor, const char *operation, const ak_fields *fields,
                             ak_error **err);

/* ---- batches: many operations in flight on one thread ---------------------- */

/* Runs many operations of one client concurrently on the calling thread: one
 * libcurl multi handle, HTTP/2 multiplexing where an https server offers it,
 * otherwise up to max_in_flight keep-alive connections. Every operation gets
 * what ak_call gives it (validation, retries, the create lookup after a lost
 * answer, the client's rate limits); retries wait as timers, so one slow
 * operation never holds up the others. Outcomes come back in completion order
 * with the caller's tag. A batch belongs to one thread at a time (except
 * ak_batch_wakeup and ak_batch_cancel); the client may be used by other
 * threads meanwhile, and the batch keeps it alive. */
typedef struct ak_batch ak_batch;

/* Creates a batch over client c running at most max_in_flight exchanges at
 * once (1 to 1024). *out: caller frees with ak_batch_free. */
AK_API ak_status ak_batch_new(ak_batch **out, ak_client *c, size_t max_in_flight, ak_error **err);
/* Queues operation with a copy of fields (NULL = none) under tag, a number
 * of the caller's choosing returned with the outcome. Queued operations start
 * in order as earlier ones finish; the queue is not bounded, so a caller
 * streaming a large input submits while ak_batch_pending is below what it
 * wants buffered. Fails at once only for misuse: AK_E_UNKNOWN_OPERATION,
 * AK_E_INVALID_ARGUMENT (a NULL argument, unusable client options); invalid
 * fields and every other failure are that operation's outcome. */
AK_API ak_status ak_batch_submit(ak_batch *b, const char *operation, const ak_fields *fields, uint64_t tag,
                                 ak_error **err);
/* Queues a wait for id to settle (ak_wait_for's rules: after names the
 * operation id is a result of, NULL or "" an account; timeout_s from 0 to
 * 86400, counted from now) under tag. Between polls it sleeps as a timer, so
 * a batch waits for many results on one thread. Fails at once for
 * AK_E_INVALID_ARGUMENT (a NULL argument, a timeout out of range) and
 * AK_E_UNKNOWN_OPERATION (after's results do not settle). */
AK_API ak_status ak_batch_submit_wait(ak_batch *b, const char *after, const char *id, double timeout_s, uint64_t tag,
                                      ak_error **err);
/* Operations submitted and not yet taken by ak_batch_next. */
AK_API size_t ak_batch_pending(const ak_batch *b);
/* Drives the transfers until an operation finishes and takes it: returns
 * AK_OK with *tag set and either *result (success) or *failure (the
 * operation's error) set to a new object the caller frees, the other set to
 * NULL. Returns AK_OK with both NULL when nothing was taken: timeout_ms passed
 * first (negative: wait as long as it takes), nothing is pending, or
 * ak_batch_wakeup was called. Any other status means the batch itself failed
 * (AK_E_INVALID_ARGUMENT for a NULL argument, AK_E_NOMEM, AK_E_INTERNAL for
 * libcurl), described in *err; the operations in flight are lost with it. */
AK_API ak_status ak_batch_next(uint64_t *tag, ak_result **result, ak_error **failure, ak_batch *b, int timeout_ms,
                               ak_error **err);
/* Makes an ak_batch_next running on another thread return soon. With
 * ak_batch_cancel, the only batch functions that may be called from another
 * thread. */
AK_API void ak_batch_wakeup(ak_batch *b);
/* Releases a batch; operations still in flight are abandoned (a create or
 * delete among them may or may not have been applied). NULL is a no-op. */
AK_API void ak_batch_free(ak_batch *b);

/* ---- vendors ------------------------------------------------------------ */

/* Number of vendors, and the name of vendor i (static storage; NULL if out of range). */
AK_API size_t ak_vendor_count(void);
AK_API const char *ak_vendor_name(size_t i);
/* A JSON description of every vendor: name, display_name, default_base_url,
 * credentials (option names), secret_options, secret_keys (every key whose
 * value is a secret, in requests and answers), asynchronous (ak_wait applies),
 * and each operation with its kind (create/read/list/update/delete), method,
 * path, id_field (the field bindings take positionally) and field rules.
 * *out: caller frees with ak_string_free. */
AK_API ak_status ak_vendors_json(char **out, ak_error **err);

/* ---- webhooks: events a vendor sends to your server ------------------------ */

/* Reads the body of a webhook call that vendor made to your server (len bytes
 * of body; body need not be NUL-terminated) into a new result: ak_result_id is
 * the account (or other object) the event concerns ("" when it names none),
 * ak_result_status the event's kind, and the result's fields are the event's,
 * by the vendor's names (docs/vendors/<vendor>.md, "Webhooks"). *out: caller
 * frees with ak_result_free; NULL on failure. Needs no client and sends
 * nothing. Fails with AK_E_INVALID_ARGUMENT for an unknown vendor,
 * AK_E_UNKNOWN_OPERATION for a vendor that sends no webhooks, and AK_E_DECODE
 * for a body that is not a JSON object or lacks a field the event needs; the
 * message names the problem and never quotes the body.
 *
 * The body cannot prove who sent it. 99digital's calls come from
 * 34.165.99.212: accept webhook calls only from that address, which your
 * server (not this function) sees. Any thread. */
AK_API ak_status ak_webhook_parse(ak_result **out, const char *vendor, const char *body, size_t len,
                                  ak_error **err);

/* ---- cancellation and deadlines -------------------------------------------- */

/* A cancellation token: trigger it from any thread to stop every call, wait,
 * pager and batch operation that carries it, as soon as each can. A read (or
 * anything not yet sent) then ends with AK_E_CANCELLED; a create or delete
 * that may have reached the vendor ends with AK_E_OUTCOME_UNKNOWN, never as a
 * silent success or failure. The client stays usable. One token may be
 * carried by many calls at once, on many threads. */
typedef struct ak_cancel ak_cancel;

/* *out: a new token, not triggered; caller frees with ak_cancel_free. */
AK_API ak_status ak_cancel_new(ak_cancel **out, ak_error **err);
/* Triggers token (once; later triggers do nothing). Any thread, including a
 * signal-free thread that does not own the calls; NULL is a no-op. Returns
 * without waiting for the calls to stop. */
AK_API void ak_cancel_trigger(ak_cancel *token);
/* 1 when token has been triggered, else 0 (NULL: 0). Any thread. */
AK_API int ak_cancel_is_triggered(const ak_cancel *token);
/* Frees token; calls still running with it keep it alive until they end.
 * NULL is a no-op. */
AK_API void ak_cancel_free(ak_cancel *token);

#define AK_CALL_OPTIONS_VERSION 1
/* What one call may carry beyond the client's options. Initialise with
 * AK_CALL_OPTIONS_INIT (or zero it and set version), then set what you need;
 * fields added later come after these, and version says which are there. */
typedef struct ak_call_options {
  unsigned int version; /* AK_CALL_OPTIONS_VERSION */
  /* > 0: the whole call (retries, a lost create's lookup, a wait's polls, a
   * pager's pages) ends within this many seconds, the exchange in flight
   * included: AK_E_TIMEOUT (AK_E_OUTCOME_UNKNOWN as above). 0: no deadline
   * beyond the client's per-exchange timeout_ms. At most 86400. */
  double timeout_s;
  ak_cancel *cancel; /* NULL: none. The call does not take ownership. */
} ak_call_options;
#define AK_CALL_OPTIONS_INIT {AK_CALL_OPTIONS_VERSION, 0.0, NULL}

/* ak_call, ak_wait_for and ak_list with options (opts NULL: as without).
 * For ak_wait_with, the smaller of timeout_s and opts->timeout_s applies. A
 * pager made by ak_list_with keeps the token and the deadline for every
 * ak_pager_next (its deadline counts from ak_list_with). AK_E_INVALID_ARGUMENT
 * for an unknown version or a timeout_s out of range. */
AK_API ak_status ak_call_with(ak_result **out, ak_client *c, const char *operation, const ak_fields *fields,
                              const ak_call_options *opts, ak_error **err);
AK_API ak_status ak_wait_with(ak_result **out, ak_client *c, const char *after, const char *id, double timeout_s,
                              const ak_call_options *opts, ak_error **err);
AK_API ak_status ak_list_with(ak_pager **out, ak_client *c, const char *operation, const ak_fields *filters,
                              const ak_call_options *opts, ak_error **err);

/* Stops every operation submitted to b under tag, running or queued (and any
 * submitted under tag later), as soon as it can: each still comes out of
 * ak_batch_next, as AK_E_CANCELLED or AK_E_OUTCOME_UNKNOWN (rules above).
 * Any thread, while another runs ak_batch_next; NULL b is a no-op. */
AK_API void ak_batch_cancel(ak_batch *b, uint64_t tag);

#ifdef __cplusplus
}
#endif

#endif /* ACCOUNTKIT_H */

/* Account views and plans (desired state) are declared in their own header,
 * part of this one: */
#include "plan.h"

