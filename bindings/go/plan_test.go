package accountkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
)

// views lists every account c's vendor holds, as account views.
func views(t *testing.T, c *accountkit.Client) []map[string]any {
	t.Helper()
	var out []map[string]any
	for item, err := range c.ListAccounts(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		v, err := item.View()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func named(ref, name string) map[string]any {
	f := digitalCreate("a@"+ref+".example", ref)
	f["account_name"] = name
	return f
}

func TestPlanApplyPlanAgain(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	ctx := context.Background()
	for _, f := range []map[string]any{named("keep", "Keep Ltd"), named("rename", "Old Name")} {
		if _, err := c.CreateAccount(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	current := views(t, c)
	if len(current) != 2 || current[0]["key"] != "keep" || current[0]["status"] != "active" {
		t.Fatalf("views: %v", current)
	}
	for item, err := range c.ListAccounts(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if v, err := accountkit.AccountView("99digital", item.Map()); err != nil || v["name"] != "Keep Ltd" ||
			v["vendor"] != "99digital" || fmt.Sprint(v) != fmt.Sprint(current[0]) {
			t.Fatalf("AccountView %v, %v", v, err)
		}
		break
	}

	desired := []accountkit.DesiredAccount{
		{Fields: named("keep", "Keep Ltd")},
		{Fields: named("rename", "New Name")},
		{Line: 7, Fields: named("new", "New Ltd"), Status: "active"},
	}
	steps, err := accountkit.Plan("99digital", desired, current, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 {
		t.Fatalf("steps: %+v", steps)
	}
	keep, update, create := steps[0], steps[1], steps[2]
	if keep.Action != "no_change" || keep.Key != "keep" || keep.Line != 1 || keep.Operation != "" {
		t.Fatalf("keep: %+v", keep)
	}
	if update.Action != "update" || update.Operation != "update_account" || update.ID != fmt.Sprint(current[1]["id"]) ||
		update.Line != 2 || update.Fields["account_name"] != "New Name" || update.Fields["server"] != "online" ||
		fmt.Sprint(update.Fields["account_id"]) != update.ID {
		t.Fatalf("update: %+v", update)
	}
	want := accountkit.FieldChange{Field: "account_name", From: "Old Name", To: "New Name", Applied: true}
	if len(update.Changes) != 1 || update.Changes[0] != want || update.Expect["account_name"] != "Old Name" {
		t.Fatalf("update changes %+v expect %v", update.Changes, update.Expect)
	}
	if create.Action != "create" || create.Operation != "create_account" || create.ID != "" || create.Line != 7 ||
		create.Fields["admin_password"] != "***" || create.Fields["account_name"] != "New Ltd" {
		t.Fatalf("create: %+v", create)
	}

	// What changed since the plan read the account: nothing yet.
	if moved, err := accountkit.ChangedSince(update.Expect, current[1]); err != nil || moved != "" {
		t.Fatalf("ChangedSince %q, %v", moved, err)
	}
	// Applying: the update's fields as planned, the create's the desired record (the plan masks secrets).
	if _, err := c.Call(ctx, update.Operation, update.Fields); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, create.Operation, desired[2].Fields); err != nil {
		t.Fatal(err)
	}
	after := views(t, c)
	if moved, err := accountkit.ChangedSince(update.Expect, after[1]); err != nil ||
		moved != `account_name is now "New Name", the plan read "Old Name"` {
		t.Fatalf("ChangedSince after the update %q, %v", moved, err)
	}
	again, err := accountkit.Plan("99digital", desired, after, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again {
		if s.Action != "no_change" {
			t.Fatalf("plan again: %+v", again)
		}
	}
	if len(again) != 3 || again[2].Key != "new" || again[2].ID == "" {
		t.Fatalf("plan again: %+v", again)
	}

	if _, err := accountkit.Plan("activeplatform", nil, nil, false); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Fatalf("activeplatform: %v", err)
	}
	bad := []accountkit.DesiredAccount{{Fields: map[string]any{"reference": make(chan int)}}}
	if _, err := accountkit.Plan("99digital", bad, nil, false); !errors.Is(err, accountkit.ErrValidation) {
		t.Fatalf("a value JSON cannot carry: %v", err)
	}
	if _, err := accountkit.AccountView("nobody", map[string]any{}); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Fatalf("unknown vendor: %v", err)
	}
}

// A Commvault record whose New customer fulfillment is still pending is a
// conflict, not a second create; a complete or failed one changes nothing.
func TestPlanCreatesInFlight(t *testing.T) {
	desired := []accountkit.DesiredAccount{{Fields: map[string]any{
		"account": map[string]any{"externalId": "F1", "name": "Flying",
			"contacts": []any{map[string]any{"email": "a@f1.example", "firstName": "A", "lastName": "B"}}},
		"service": map[string]any{"skus": []any{map[string]any{"sku": "MET-M365-BASIC", "quantity": 1}}},
	}}}
	fulfillment := func(status string) []map[string]any {
		return []map[string]any{{"id": "ful-1", "status": status, "externalAccountId": "F1"}}
	}
	steps, err := accountkit.PlanWith("commvault", desired, nil, accountkit.PlanOptions{InFlight: fulfillment("submitted")})
	if err != nil {
		t.Fatal(err)
	}
	want := "its account is being created (get_fulfillment ful-1 is submitted): plan again once it settles"
	if len(steps) != 1 || steps[0].Action != "conflict" || steps[0].Key != "F1" || steps[0].Reason != want ||
		steps[0].Operation != "" {
		t.Fatalf("submitted: %+v", steps)
	}
	for _, status := range []string{"complete", "failed"} {
		steps, err := accountkit.PlanWith("commvault", desired, nil, accountkit.PlanOptions{InFlight: fulfillment(status)})
		if err != nil || len(steps) != 1 || steps[0].Action != "create" {
			t.Fatalf("%s: %+v, %v", status, steps, err)
		}
	}
	// A vendor that lists no creates in flight takes none.
	_, err = accountkit.PlanWith("99digital", nil, nil, accountkit.PlanOptions{InFlight: fulfillment("submitted")})
	if !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Fatalf("99digital with a create in flight: %v", err)
	}
	// Plan is PlanWith without creates in flight.
	if steps, err := accountkit.Plan("commvault", desired, nil, false); err != nil || len(steps) != 1 ||
		steps[0].Action != "create" {
		t.Fatalf("Plan: %+v, %v", steps, err)
	}
}

// apKeyed is an ActivePlatform account's create fields with the custom
// attributes partner_id (the key) and tier.
func apKeyed(email, key, tier string) map[string]any {
	f := apCreate(email)
	f["custom_attributes"] = []any{map[string]any{"key": "partner_id", "value": key},
		map[string]any{"key": "tier", "value": tier}}
	return f
}

// ActivePlatform is planned by the custom attribute that holds the partner's
// key (PlanOptions.KeyAttribute): an update of the attributes and a create,
// run, then nothing to do; without the attribute it cannot be planned.
func TestPlanActivePlatformByKeyAttribute(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "activeplatform")
	ctx := context.Background()
	made, err := c.CreateAccount(ctx, apKeyed("a@crm1.example", "crm-1", "silver"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetAccount(ctx, made.ID())
	if err != nil {
		t.Fatal(err)
	}
	view, err := got.ViewWith("partner_id")
	if err != nil || view["key"] != "crm-1" {
		t.Fatalf("ViewWith: %v, %v", view, err)
	}
	if plain, err := got.View(); err != nil || plain["key"] != nil {
		t.Fatalf("View without the attribute: %v, %v", plain, err)
	}
	if v, err := accountkit.AccountViewWith("activeplatform", got.Map(), "partner_id"); err != nil ||
		fmt.Sprint(v) != fmt.Sprint(view) {
		t.Fatalf("AccountViewWith: %v, %v", v, err)
	}
	keyed := func(t *testing.T) []map[string]any {
		t.Helper()
		var out []map[string]any
		for item, err := range c.ListAccounts(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			v, err := item.ViewWith("partner_id")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}

	desired := []accountkit.DesiredAccount{
		{Fields: apKeyed("a@crm1.example", "crm-1", "gold")},
		{Fields: apKeyed("b@crm2.example", "crm-2", "bronze")},
	}
	opts := accountkit.PlanOptions{KeyAttribute: "partner_id"}
	steps, err := accountkit.PlanWith("activeplatform", desired, keyed(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 {
		t.Fatalf("steps: %+v", steps)
	}
	update, create := steps[0], steps[1]
	if update.Action != "update" || update.Key != "crm-1" || update.ID != made.ID() ||
		update.Operation != "update_account" || len(update.Changes) != 1 ||
		update.Changes[0].Field != "custom_attributes" || !update.Changes[0].Applied ||
		fmt.Sprint(update.Fields["custom_attributes"]) != "[map[key:partner_id value:crm-1] map[key:tier value:gold]]" {
		t.Fatalf("update: %+v", update)
	}
	if create.Action != "create" || create.Key != "crm-2" || create.Operation != "create_account" ||
		fmt.Sprint(create.Fields["custom_attributes"]) != fmt.Sprint(desired[1].Fields["custom_attributes"]) {
		t.Fatalf("create: %+v", create)
	}
	// Views made without the attribute plan the same: the key is read from each record.
	if same, err := accountkit.PlanWith("activeplatform", desired, views(t, c), opts); err != nil ||
		fmt.Sprintf("%+v", same) != fmt.Sprintf("%+v", steps) {
		t.Fatalf("plain views: %+v, %v", same, err)
	}
	if _, err := c.Call(ctx, update.Operation, update.Fields); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Call(ctx, create.Operation, desired[1].Fields); err != nil {
		t.Fatal(err)
	}
	again, err := accountkit.PlanWith("activeplatform", desired, keyed(t), opts)
	if err != nil || len(again) != 2 || again[0].Action != "no_change" || again[1].Action != "no_change" ||
		again[1].Key != "crm-2" || again[1].ID == "" {
		t.Fatalf("plan again: %+v, %v", again, err)
	}

	// Without the attribute ActivePlatform cannot be planned; a vendor with a key field takes none.
	_, err = accountkit.PlanWith("activeplatform", desired, keyed(t), accountkit.PlanOptions{})
	var ae *accountkit.Error
	if !errors.Is(err, accountkit.ErrInvalidArgument) || !errors.As(err, &ae) ||
		!strings.Contains(ae.Message, "cannot be planned without key_attribute") {
		t.Fatalf("without the key attribute: %v", err)
	}
	if _, err := accountkit.PlanWith("99digital", nil, nil, opts); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Fatalf("99digital with a key attribute: %v", err)
	}
	if _, err := accountkit.AccountViewWith("99digital", map[string]any{}, "partner_id"); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Fatalf("99digital view with a key attribute: %v", err)
	}
}
