/*
 * accountkit/sandbox.h: every vendor accountkit speaks, emulated on loopback,
 * for development and tests (libaccountkit-sandbox, pkg-config
 * accountkit-sandbox, CMake accountkit::sandbox).
 *
 * A development and test tool: it is NOT covered by accountkit's ABI promise
 * (its functions may change in any release) and production programs need not
 * link it; libaccountkit itself contains no HTTP server. The conventions of
 * <accountkit/accountkit.h> hold here too (out-parameters first, ak_error
 * last, *_free(NULL) no-ops, copied input strings), and every ak_sandbox
 * function is thread-safe.
 *
 * The header compiles as C99 and as C++.
 */
#ifndef ACCOUNTKIT_SANDBOX_H
#define ACCOUNTKIT_SANDBOX_H

#include <accountkit/accountkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An HTTP server on 127.0.0.1 that behaves like the vendors (in-memory state,
 * the vendors' validation and error codes, expiring tokens) and records every
 * request it receives in a journal with secrets masked. Sandbox credentials:
 *   99digital:      client_id "sandbox-client", client_secret "sandbox-secret"
 *   activeplatform: api_token "sandbox-api-token"
 *   commvault:      username "sandbox-partner", password "sandbox-password"
 * Each vendor is served under its own path prefix (see ak_sandbox_vendor_url). */
typedef struct ak_sandbox ak_sandbox;

/* Creates a stopped sandbox. *out: caller frees with ak_sandbox_free. */
AK_API ak_status ak_sandbox_new(ak_sandbox **out, ak_error **err);
/* Stops (if running) and releases. NULL is a no-op. */
AK_API void ak_sandbox_free(ak_sandbox *sb);
/* Knobs, named "VENDOR.NAME" ("99digital.token_lifetime_s"); a bare NAME goes
 * to every vendor that has it. Set before or after start. docs/sandbox.md
 * lists them all; for example:
 *  99digital.token_lifetime_s  access token lifetime in seconds (default 3600)
 *  99digital.block_after       failed token requests before the caller is blocked (default 5)
 *  99digital.block_seconds     how long a block lasts (default 60)
 * Unknown names and malformed values fail with AK_E_INVALID_ARGUMENT. */
AK_API ak_status ak_sandbox_set_option(ak_sandbox *sb, const char *name, const char *value, ak_error **err);
/* Starts serving on 127.0.0.1:port in background threads (port 0 = pick a free one). */
AK_API ak_status ak_sandbox_start(ak_sandbox *sb, int port, ak_error **err);
/* Stops serving; state and journal are kept. Stopping a stopped sandbox is a no-op. */
AK_API void ak_sandbox_stop(ak_sandbox *sb);
/* The port, or 0 when stopped. */
AK_API int ak_sandbox_port(const ak_sandbox *sb);
/* The base URL to give a client of vendor ("http://127.0.0.1:PORT/99digital"),
 * or NULL when stopped or the vendor is unknown. Owned by sb, valid until the
 * sandbox is freed. */
AK_API const char *ak_sandbox_vendor_url(ak_sandbox *sb, const char *vendor);
/* Points client at this sandbox: sets base_url and the sandbox credentials of
 * the client's vendor. The sandbox must be running. */
AK_API ak_status ak_sandbox_configure_client(ak_sandbox *sb, ak_client *c, ak_error **err);
/* The sandbox credentials of vendor as a JSON object of client option names to
 * values, e.g. {"client_id":"...","client_secret":"..."}. *out: caller frees. */
AK_API ak_status ak_sandbox_credentials_json(char **out, ak_sandbox *sb, const char *vendor, ak_error **err);
/* The request journal as a JSON array, oldest first; each entry has vendor,
 * method, path, query (object), headers (object), body (parsed JSON, or the
 * text if it is not JSON, or null), status. Secrets are masked as "***".
 * *out: caller frees with ak_string_free. */
AK_API ak_status ak_sandbox_journal_json(char **out, ak_sandbox *sb, ak_error **err);
/* Empties the journal. */
AK_API void ak_sandbox_journal_clear(ak_sandbox *sb);
/* Makes every token issued so far invalid (tests of refresh-and-resend). */
AK_API void ak_sandbox_expire_tokens(ak_sandbox *sb);

/* Injects faults, given as a JSON object or an array of them:
 *   {"vendor": "99digital", "method": "POST", "path": "/api/online/createAccount",
 *    "kind": "drop_after_commit", "count": 3, "probability": 0.2, "seed": 7}
 * kind: "status" (answer "status", default 503, with "retry_after" seconds if
 * given, or a Retry-After header of exactly "retry_after" when it is text;
 * nothing applied), "delay" ("delay_ms" before answering), "reset"
 * (connection closed before any answer; nothing applied), "drop_after_commit"
 * (applied, then the connection closes without an answer), "malformed"
 * (applied, answer body not valid JSON), "truncated" (applied, half the body
 * then the connection closes), "slow_body" (applied, body sent over
 * "delay_ms"), "redirect" (answer "status", default 302, with Location:
 * "location"; nothing applied). vendor, method and path filter (path is below the vendor
 * prefix and may end with '*'); count (default unlimited) and probability
 * (default 1, drawn from a generator seeded with "seed") say how often.
 * The same specs can be POSTed to http://127.0.0.1:PORT/_admin/faults (GET
 * lists them, DELETE clears them). Journal entries of faulted requests carry
 * "fault": kind. Malformed specs fail with AK_E_INVALID_ARGUMENT. */
AK_API ak_status ak_sandbox_add_faults(ak_sandbox *sb, const char *json, ak_error **err);
/* Removes every fault. */
AK_API void ak_sandbox_clear_faults(ak_sandbox *sb);

#ifdef __cplusplus
}
#endif

#endif /* ACCOUNTKIT_SANDBOX_H */
