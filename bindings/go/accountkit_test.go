package accountkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

const acmeID = "7194af6f-1285-4295-94aa-ceed7ea2d792"

func startSandbox(t *testing.T, opts map[string]string) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.StartWith(opts)
	if err != nil {
		t.Fatalf("sandbox.StartWith: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func client(t *testing.T, sb *sandbox.Sandbox, vendor string, opts ...accountkit.Option) *accountkit.Client {
	t.Helper()
	c, err := sb.Client(vendor, opts...)
	if err != nil {
		t.Fatalf("client %s: %v", vendor, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func digitalCreate(email, ref string) map[string]any {
	return map[string]any{
		"account_name": "Acme Inc", "agents": 10, "inboxes": 5,
		"admin_email": email, "admin_name": "Ada Owner", "admin_displayName": "Ada",
		"admin_password": "Str0ng!pass", "admin_2fa": 1, "admin_2fa_value": email, "reference": ref,
	}
}

func apCreate(email string) map[string]any {
	return map[string]any{
		"account_type_id": 1, "account_class_id": 1, "first_name": "Marcelo", "last_name": "Ivanou",
		"country": "BY", "region": "5", "city": "Minsk", "street": "Lenina", "building": "1", "office": "",
		"zip": "220007", "phone": "+375295555555", "email": email,
	}
}

func TestVersionAndVendors(t *testing.T) {
	if accountkit.Version() == "" {
		t.Fatal("empty version")
	}
	vs, err := accountkit.Vendors()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, v := range vs {
		names[v.Name] = true
		if len(v.SecretKeys) == 0 || len(v.Operations) == 0 {
			t.Errorf("vendor %s: secret keys %v, %d operations", v.Name, v.SecretKeys, len(v.Operations))
		}
	}
	for _, n := range []string{"99digital", "activeplatform", "activeplatform-v3", "commvault"} {
		if !names[n] {
			t.Errorf("vendor %s missing from %v", n, names)
		}
	}
}

func TestDigital99Lifecycle(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	ctx := context.Background()

	r, err := c.CreateAccount(ctx, digitalCreate("owner@acme.example", "crm4711"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := r.ID()
	if id == "" {
		t.Fatalf("no id in %s", r.JSON())
	}
	if got := fmt.Sprint(r.Map()["account_id"]); got != id {
		t.Errorf("Map account_id = %s, ID() = %s", got, id)
	}

	u, err := c.UpdateAccount(ctx, id, map[string]any{"server": "online", "account_name": "Acme Ltd", "account_status": 0})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if u.Status() != "suspended" {
		t.Errorf("status after update = %q", u.Status())
	}

	found := false
	for item, err := range c.ListAccounts(ctx, nil) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if item.ID() == id {
			found = true
			if item.Map()["account_name"] != "Acme Ltd" {
				t.Errorf("listed %s", item.JSON())
			}
		}
	}
	if !found {
		t.Errorf("account %s not listed", id)
	}

	if _, err := c.DeleteAccount(ctx, id, map[string]any{"server": "online"}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.DeleteAccount(ctx, id, map[string]any{"server": "online"})
	if !errors.Is(err, accountkit.ErrNotFound) {
		t.Fatalf("second delete: want ErrNotFound, got %v", err)
	}
	if errors.Is(err, accountkit.ErrValidation) {
		t.Error("not-found error also matches ErrValidation")
	}
	var ae *accountkit.Error
	if !errors.As(err, &ae) || ae.Kind != accountkit.KindNotFound || ae.Category != "not_found" ||
		ae.Vendor != "99digital" || ae.Operation != "delete_account" || ae.VendorCode != "33" || ae.HTTPStatus == 0 {
		t.Errorf("not-found details: %+v", ae)
	}
}

func TestValidationErrorsWithPaths(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	sb.ClearJournal()
	_, err := c.CreateAccount(context.Background(), map[string]any{
		"account_name": "Acme", "agents": 12345, "admin_email": "not-an-email", "admin_password": "short",
	})
	var ae *accountkit.Error
	if !errors.As(err, &ae) || ae.Kind != accountkit.KindValidation || !errors.Is(err, accountkit.ErrValidation) {
		t.Fatalf("want validation error, got %v", err)
	}
	paths := map[string]string{}
	for _, f := range ae.Fields {
		paths[f.Path] = f.Rule
	}
	for path, rule := range map[string]string{"agents": "max_digits", "admin_email": "email", "inboxes": "required"} {
		if paths[path] != rule {
			t.Errorf("field %s: rule %q, want %q (all: %v)", path, paths[path], rule, ae.Fields)
		}
	}
	if ae.Attempts != 0 {
		t.Errorf("attempts = %d, want 0 (nothing sent)", ae.Attempts)
	}
	if j, _ := sb.Journal(); len(j) != 0 {
		t.Errorf("validation failure sent %d requests", len(j))
	}

	// Nested paths, and Validate without a client.
	err = accountkit.Validate("commvault", "update_account", map[string]any{
		"id": acmeID, "externalId": "X", "name": "N",
		"contacts": []any{map[string]any{"firstName": "A", "lastName": "B", "address": map[string]any{"city": 5}}},
	})
	if !errors.As(err, &ae) {
		t.Fatalf("Validate: %v", err)
	}
	got := map[string]bool{}
	for _, f := range ae.Fields {
		got[f.Path] = true
	}
	if !got["contacts[0].email"] || !got["contacts[0].address.city"] {
		t.Errorf("Validate fields: %+v", ae.Fields)
	}
	if err := accountkit.Validate("99digital", "create_account", digitalCreate("a@b.example", "r1")); err != nil {
		t.Errorf("valid fields: %v", err)
	}
}

func TestActivePlatformCreateAndPagedList(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "activeplatform")
	ctx := context.Background()
	want := map[string]bool{}
	for i := 0; i < 7; i++ {
		r, err := c.CreateAccount(ctx, apCreate(fmt.Sprintf("user%d@example.com", i)))
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if r.Status() != "active" {
			t.Errorf("status %q", r.Status())
		}
		want[r.ID()] = true
	}
	got, err := c.GetAccount(ctx, func() string {
		for id := range want {
			return id
		}
		return ""
	}())
	if err != nil || !want[got.ID()] {
		t.Fatalf("get: %v %v", got, err)
	}

	sb.ClearJournal()
	seen := 0
	for item, err := range c.ListAccounts(ctx, map[string]any{"per_page": 2}) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if !want[item.ID()] {
			t.Errorf("unexpected item %s", item.JSON())
		}
		seen++
	}
	if seen != 7 {
		t.Errorf("listed %d accounts, want 7", seen)
	}
	j, _ := sb.Journal()
	if len(j) != 4 { // 2+2+2+1
		t.Errorf("list made %d requests, want 4 pages", len(j))
	}

	// Breaking early stops fetching.
	sb.ClearJournal()
	n := 0
	for _, err := range c.ListAccounts(ctx, map[string]any{"per_page": 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if j, _ := sb.Journal(); len(j) != 2 {
		t.Errorf("early break made %d requests, want 2", len(j))
	}

	// Explicit null is refused by ActivePlatform's rules (not_null).
	_, err = c.UpdateAccount(ctx, got.ID(), map[string]any{"middle_name": nil})
	var ae *accountkit.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 || ae.Fields[0].Path != "middle_name" {
		t.Errorf("null middle_name: %v", err)
	}
}

func TestSharedClientManyGoroutines(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	ctx := context.Background()
	r, err := c.CreateAccount(ctx, digitalCreate("shared@acme.example", "shared1"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16*10)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				var err error
				switch i % 3 {
				case 0:
					_, err = c.Call(ctx, "list_accounts", nil)
				case 1:
					_, err = c.UpdateAccount(ctx, r.ID(), map[string]any{"server": "online", "account_name": fmt.Sprintf("G%d-%d", g, i)})
				case 2:
					_, err = c.DeleteAccount(ctx, "9999999", map[string]any{"server": "online"})
					if errors.Is(err, accountkit.ErrNotFound) {
						err = nil
					}
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d call %d: %w", g, i, err)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestContextCancellation(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital", accountkit.WithOption("max_attempts", "1"))
	if err := sb.AddFaults(`{"vendor":"99digital","path":"/api/online/getAccounts","kind":"delay","delay_ms":1500}`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Call(ctx, "list_accounts", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want DeadlineExceeded, got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}

	// The pager honours ctx too.
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	for _, err := range c.ListAccounts(ctx2, nil) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("pager: want Canceled, got %v", err)
		}
	}

	// Already-cancelled contexts make no call.
	sb.ClearJournal()
	if _, err := c.Call(ctx2, "list_accounts", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v", err)
	}

	// The cancelled calls stopped in C: nothing runs on in the background.
	c.Close()
	if _, err := c.Call(context.Background(), "list_accounts", nil); err == nil {
		t.Error("call on a closed client succeeded")
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	sb := startSandbox(t, nil)
	const secret = "sup3r-secret-Value!"
	c, err := accountkit.NewClient("99digital", accountkit.WithBaseURL(sb.URL("99digital")),
		accountkit.WithCredentials(map[string]string{"client_id": "sandbox-client", "client_secret": secret}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Call(context.Background(), "list_accounts", nil)
	if !errors.Is(err, accountkit.ErrAuth) {
		t.Fatalf("want auth error, got %v", err)
	}
	var ae *accountkit.Error
	errors.As(err, &ae)
	if strings.Contains(err.Error(), secret) || strings.Contains(ae.RawBody, secret) || strings.Contains(fmt.Sprintf("%+v", ae), secret) {
		t.Errorf("secret leaked: %v", err)
	}

	ap, err := accountkit.NewClient("activeplatform", accountkit.WithBaseURL(sb.URL("activeplatform")),
		accountkit.WithCredentials(map[string]string{"api_token": secret}))
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	_, err = ap.GetAccount(context.Background(), "500")
	if !errors.As(err, &ae) || ae.Kind != accountkit.KindAuth || strings.Contains(fmt.Sprintf("%v %+v", err, ae), secret) {
		t.Errorf("activeplatform bad token: %v", err)
	}

	// A password in invalid fields does not show up in the validation error.
	_, err = c.CreateAccount(context.Background(), map[string]any{"admin_password": secret + "\x00x", "agents": "many"})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("validation error: %v", err)
	}
}

func TestOptionsAndMisuse(t *testing.T) {
	if _, err := accountkit.NewClient("nope"); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("unknown vendor: %v", err)
	}
	if _, err := accountkit.NewClient("99digital", accountkit.WithOption("no_such_option", "1")); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("bad option: %v", err)
	}
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	if _, err := c.GetAccount(context.Background(), "1"); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Errorf("99digital get_account: %v", err)
	}
	// The batch size range is the C library's too.
	for _, n := range []int{-1, 0, 1025} {
		if _, err := c.NewBatch(n); !errors.Is(err, accountkit.ErrInvalidArgument) || !strings.Contains(err.Error(), "max_in_flight") {
			t.Errorf("NewBatch(%d): %v", n, err)
		}
	}
	if _, err := c.Call(context.Background(), "frobnicate", nil); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Errorf("unknown operation: %v", err)
	}
	if _, err := c.Wait(context.Background(), "1", time.Second); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Errorf("wait on a synchronous vendor: %v", err)
	}
	if err := sb.SetOption("99digital.nope", "1"); err == nil {
		t.Error("bad sandbox knob accepted")
	}
	if err := sb.AddFaults(`{"kind":"bogus"}`); err == nil {
		t.Error("bad fault accepted")
	}
	c.Close()
	c.Close()
	if _, err := c.Call(context.Background(), "list_accounts", nil); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("call on a closed client: %v", err)
	}
}

func TestLogger(t *testing.T) {
	sb := startSandbox(t, nil)
	var mu sync.Mutex
	var lines []string
	c := client(t, sb, "99digital", accountkit.WithLogger(accountkit.LogDebug, func(l accountkit.LogLevel, msg string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, msg)
	}))
	if _, err := c.Call(context.Background(), "list_accounts", nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "getAccounts") || strings.Contains(all, "sandbox-secret") {
		t.Errorf("log lines: %q", lines)
	}
}

func TestBatchCreatesWithTags(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	b, err := c.NewBatch(8)
	if err != nil {
		t.Fatalf("NewBatch: %v", err)
	}
	defer b.Close()
	for i := 0; i < 30; i++ {
		if err := b.Submit("create_account", digitalCreate(fmt.Sprintf("b%d@x.example", i), fmt.Sprintf("batch%d", i)), uint64(i)); err != nil {
			t.Fatalf("Submit: %v", err)
		}
	}
	if err := b.Submit("create_account", map[string]any{"agents": 123456}, 99); err != nil {
		t.Fatalf("Submit invalid: %v", err)
	}
	if b.Pending() != 31 {
		t.Fatalf("Pending = %d", b.Pending())
	}
	seen := map[uint64]bool{}
	for {
		done, ok, err := b.Next(context.Background())
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if !ok {
			break
		}
		if seen[done.Tag] {
			t.Fatalf("tag %d twice", done.Tag)
		}
		seen[done.Tag] = true
		if done.Tag == 99 {
			var e *accountkit.Error
			if !errors.As(done.Err, &e) || e.Kind != accountkit.KindValidation {
				t.Errorf("tag 99: %v", done.Err)
			}
			continue
		}
		if done.Err != nil {
			t.Fatalf("tag %d: %v", done.Tag, done.Err)
		}
		if got := fmt.Sprint(done.Result.Map()["reference"]); got != fmt.Sprintf("batch%d", done.Tag) {
			t.Errorf("tag %d: reference %s", done.Tag, got)
		}
	}
	if len(seen) != 31 {
		t.Fatalf("%d completions", len(seen))
	}
	if err := b.Submit("create_acount", nil, 1); err == nil {
		t.Error("an unknown operation was accepted")
	}
}
