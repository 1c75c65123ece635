package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

func start(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func TestPointingClients(t *testing.T) {
	sb := start(t)
	ctx := context.Background()

	// Options: ordinary accountkit options, and later ones win.
	opts, err := sb.Options("commvault")
	if err != nil {
		t.Fatal(err)
	}
	c, err := accountkit.NewClient("commvault", opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.GetAccount(ctx, "7194af6f-1285-4295-94aa-ceed7ea2d792"); err != nil {
		t.Errorf("client from Options: %v", err)
	}
	bad, err := sb.Client("99digital", accountkit.WithOption("client_secret", "wrong"))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err := bad.Call(ctx, "list_accounts", nil); !errors.Is(err, accountkit.ErrAuth) {
		t.Errorf("an option after the sandbox's: want ErrAuth, got %v", err)
	}

	// ConfigureClient points a client made elsewhere.
	ap, err := accountkit.NewClient("activeplatform")
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	if err := sb.ConfigureClient(ap); err != nil {
		t.Fatal(err)
	}
	if _, err := ap.Call(ctx, "list_accounts", nil); err != nil {
		t.Errorf("configured client: %v", err)
	}

	// A vendor the sandbox does not emulate.
	if _, err := sb.Client("nope"); !errors.Is(err, accountkit.ErrInvalidArgument) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown vendor: %v", err)
	}
}

func TestKnobsJournalFaults(t *testing.T) {
	sb, err := sandbox.StartWith(map[string]string{"99digital.token_lifetime_s": "60"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if err := sb.SetOption("99digital.nope", "1"); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("bad knob: %v", err)
	}
	if _, err := sandbox.StartWith(map[string]string{"nope": "1"}); err == nil {
		t.Error("StartWith accepted a bad knob")
	}
	if creds, err := sb.Credentials("commvault"); err != nil || creds["username"] != "sandbox-partner" {
		t.Errorf("credentials: %v %v", creds, err)
	}
	if !strings.HasSuffix(sb.URL("99digital"), "/99digital") || sb.Port() == 0 || sb.URL("nope") != "" {
		t.Errorf("url %q port %d", sb.URL("99digital"), sb.Port())
	}

	c, err := sb.Client("99digital", accountkit.WithOption("max_attempts", "1"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Call(ctx, "list_accounts", nil); err != nil {
		t.Fatal(err)
	}
	j, err := sb.Journal()
	if err != nil || len(j) != 2 || j[1].Path != "/api/online/getAccounts" || j[1].Status != 200 {
		t.Fatalf("journal (token, list): %+v %v", j, err)
	}
	if text, _ := sb.JournalJSON(); strings.Contains(text, "sandbox-secret") {
		t.Errorf("journal shows the secret: %s", text)
	}
	sb.ClearJournal()
	if j, _ := sb.Journal(); len(j) != 0 {
		t.Errorf("journal after ClearJournal: %+v", j)
	}

	// Expired tokens are fetched again.
	sb.ExpireTokens()
	if _, err := c.Call(ctx, "list_accounts", nil); err != nil {
		t.Errorf("after ExpireTokens: %v", err)
	}

	if err := sb.AddFaults(`{"kind":"bogus"}`); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("bad fault: %v", err)
	}
	if err := sb.AddFaults(`{"vendor":"99digital","path":"/api/online/getAccounts","kind":"status","status":503}`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, "list_accounts", nil); !errors.Is(err, accountkit.ErrVendor) {
		t.Errorf("with a 503 fault: %v", err)
	}
	sb.ClearFaults()
	if _, err := c.Call(ctx, "list_accounts", nil); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}

	sb.Close()
	sb.Close()
	if sb.URL("99digital") != "" || sb.Port() != 0 {
		t.Error("URL or port after Close")
	}
	if _, err := sb.Options("99digital"); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("Options after Close: %v", err)
	}
}

func TestALostCreateIsRecoveredOrNamesItsCandidates(t *testing.T) {
	sb := start(t)
	ctx := context.Background()
	c, err := sb.Client("99digital", accountkit.WithOption("retry_base_ms", "1"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, err := c.CheckCredentials(); !ok || err != nil {
		t.Fatalf("CheckCredentials: %v %v", ok, err)
	}
	create := func(name string) map[string]any {
		return map[string]any{"account_name": name, "agents": 2, "inboxes": 1, "admin_email": "a@acme.example",
			"admin_name": "A", "admin_displayName": "A", "admin_password": "Str0ng!pass", "reference": "dup1"}
	}
	older, err := c.CreateAccount(ctx, create("First Company"))
	if err != nil || older.Recovered() {
		t.Fatalf("first create: %v", err)
	}
	lost := `{"vendor":"99digital","path":"/api/online/createAccount","kind":"drop_after_commit","count":1}`
	if err := sb.AddFaults(lost); err != nil {
		t.Fatal(err)
	}
	ours, err := c.CreateAccount(ctx, create("Second Company"))
	if err != nil || !ours.Recovered() || ours.ID() == older.ID() || len(ours.Unavailable()) != 1 {
		t.Fatalf("recovered create: %v %+v", err, ours)
	}
	if err := sb.AddFaults(lost); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAccount(ctx, create("Second Company"))
	var e *accountkit.Error
	if !errors.As(err, &e) || e.Kind != accountkit.KindOutcomeUnknown || len(e.Candidates) != 3 {
		t.Fatalf("two matching accounts: want an unknown outcome naming 3 candidates, got %v", err)
	}
}
