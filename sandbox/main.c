/* accountkit-sandbox: serves every vendor's emulator in the foreground until
 * interrupted. Usage: accountkit-sandbox [--port N] [--option NAME=VALUE]... */
#define _POSIX_C_SOURCE 200809L
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* Prints the usage, releases the sandbox, and gives the exit status. */
static int usage(ak_sandbox *sb) {
  ak_sandbox_free(sb);
  fprintf(stderr, "usage: accountkit-sandbox [--port N] [--option NAME=VALUE]...\n");
  return 2;
}

int main(int argc, char **argv) {
  ak_sandbox *sb = NULL;
  ak_error *err = NULL;
  int port = 0;
  if (ak_sandbox_new(&sb, &err) != AK_OK) {
    fprintf(stderr, "accountkit-sandbox: %s\n", err ? ak_error_message(err) : "out of memory");
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      char *end = NULL;
      long p = strtol(argv[++i], &end, 10);
      if (*end || p < 0 || p > 65535) return usage(sb);
      port = (int)p;
    } else if (strcmp(argv[i], "--option") == 0 && i + 1 < argc) {
      char *kv = argv[++i];
      char *eq = strchr(kv, '=');
      if (!eq) return usage(sb);
      *eq = '\0';
      if (ak_sandbox_set_option(sb, kv, eq + 1, &err) != AK_OK) {
        fprintf(stderr, "accountkit-sandbox: %s\n", ak_error_message(err));
        ak_error_free(err);
        ak_sandbox_free(sb);
        return 2;
      }
    } else {
      return usage(sb);
    }
  }
  if (ak_sandbox_start(sb, port, &err) != AK_OK) {
    fprintf(stderr, "accountkit-sandbox: %s\n", ak_error_message(err));
    ak_error_free(err);
    ak_sandbox_free(sb);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  printf("accountkit sandbox %s listening on 127.0.0.1:%d\n", ak_version(), ak_sandbox_port(sb));
  for (size_t i = 0; i < ak_vendor_count(); ++i) {
    char *creds = NULL;
    const char *vendor = ak_vendor_name(i);
    if (ak_sandbox_credentials_json(&creds, sb, vendor, NULL) != AK_OK) continue;
    printf("  %-12s base_url=%s credentials=%s\n", vendor, ak_sandbox_vendor_url(sb, vendor), creds);
    ak_string_free(creds);
  }
  fflush(stdout);
  while (!stop_requested) pause();
  ak_sandbox_free(sb);
  return 0;
}
