package accountkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"accountkit.dev/go/accountkit"
)

// Commvault through the Go binding: reads, updates and waits on its
// asynchronous fulfillments, blocking and in a batch.

func TestCommvaultGetUpdateWait(t *testing.T) {
	sb := startSandbox(t, map[string]string{"commvault.update_delay_ms": "100"})
	c := client(t, sb, "commvault", accountkit.WithOption("poll_initial_ms", "20"), accountkit.WithOption("poll_max_ms", "100"))
	ctx := context.Background()

	got, err := c.GetAccount(ctx, acmeID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.ID() != acmeID || got.Status() != "active" || got.Map()["website"] != "www.acme.com" {
		t.Fatalf("get: %s", got.JSON())
	}

	sb.ClearJournal()
	u, err := c.UpdateAccount(ctx, acmeID, map[string]any{
		"externalId": "XSP1234", "name": "Acme Renamed", "website": nil, "contacts": []any{},
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if u.Status() != "updating" {
		t.Errorf("status after update = %q", u.Status())
	}
	journal, err := sb.JournalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(journal, `"website":null`) {
		t.Errorf(`journal lacks "website":null: %s`, journal)
	}

	settled, err := c.Wait(ctx, u.ID(), 10*time.Second)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	m := settled.Map()
	if settled.Status() != "active" || m["name"] != "Acme Renamed" || m["website"] != nil {
		t.Errorf("settled: %s", settled.JSON())
	}

	_, err = c.GetAccount(ctx, "00000000-0000-4000-8000-00000000dead")
	if !errors.Is(err, accountkit.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}

	// A failing update settles in update_failure: KindOperationFailed.
	u, err = c.UpdateAccount(ctx, acmeID, map[string]any{"externalId": "XSP1234", "name": "FAIL me", "contacts": []any{}})
	if err != nil {
		t.Fatalf("update FAIL: %v", err)
	}
	if _, err = c.Wait(ctx, u.ID(), 10*time.Second); !errors.Is(err, accountkit.ErrOperationFailed) {
		t.Errorf("wait on failing update: %v", err)
	}
}

func TestCommvaultCreateWaitsThroughTheFulfillment(t *testing.T) {
	sb := startSandbox(t, map[string]string{"commvault.update_delay_ms": "100"})
	c := client(t, sb, "commvault", accountkit.WithOption("poll_initial_ms", "20"), accountkit.WithOption("poll_max_ms", "100"))
	ctx := context.Background()
	r, err := c.Call(ctx, "create_account", map[string]any{
		"account": map[string]any{"externalId": "GO-1", "name": "Go Fulfilled Ltd", "contacts": []any{
			map[string]any{"email": "admin@go1.example", "firstName": "Ada", "lastName": "Admin"}}},
		"service": map[string]any{"skus": []any{map[string]any{"sku": "MET-M365-BASIC"}}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if r.Status() != "submitted" {
		t.Fatalf("create: %s", r.JSON())
	}
	acct, err := c.WaitFor(ctx, "create_account", r.ID(), 10*time.Second)
	if err != nil {
		t.Fatalf("wait for the fulfillment: %v", err)
	}
	if acct.Status() != "active" || acct.Map()["name"] != "Go Fulfilled Ltd" {
		t.Fatalf("account: %s", acct.JSON())
	}
	if _, err := c.WaitFor(ctx, "no_such_operation", r.ID(), time.Second); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Errorf("wait for an unknown operation: %v", err)
	}
}

// Waits in a batch: two fulfillments followed to their accounts by one
// Next loop, and a bad timeout refused at submit.
func TestCommvaultBatchWaits(t *testing.T) {
	sb := startSandbox(t, map[string]string{"commvault.update_delay_ms": "100"})
	c := client(t, sb, "commvault", accountkit.WithOption("poll_initial_ms", "20"), accountkit.WithOption("poll_max_ms", "100"))
	ctx := context.Background()
	b, err := c.NewBatch(4)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	names := map[uint64]string{}
	for tag := uint64(1); tag <= 2; tag++ {
		name := fmt.Sprintf("Go Batch %d", tag)
		r, err := c.Call(ctx, "create_account", map[string]any{
			"account": map[string]any{"externalId": fmt.Sprintf("GO-B%d", tag), "name": name, "contacts": []any{
				map[string]any{"email": "admin@gob.example", "firstName": "Ada", "lastName": "Admin"}}},
			"service": map[string]any{"skus": []any{map[string]any{"sku": "MET-M365-BASIC"}}},
		})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if err := b.SubmitWait("create_account", r.ID(), 10*time.Second, tag); err != nil {
			t.Fatalf("submit wait: %v", err)
		}
		names[tag] = name
	}
	if err := b.SubmitWait("create_account", "x", 25*time.Hour, 9); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("a 25 h wait: %v", err)
	}
	for b.Pending() > 0 {
		done, ok, err := b.Next(ctx)
		if err != nil || !ok {
			t.Fatalf("next: %v %v", ok, err)
		}
		if done.Err != nil {
			t.Fatalf("wait %d: %v", done.Tag, done.Err)
		}
		if done.Result.Status() != "active" || done.Result.Map()["name"] != names[done.Tag] {
			t.Errorf("wait %d: %s", done.Tag, done.Result.JSON())
		}
	}
}
