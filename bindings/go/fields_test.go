package accountkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
)

func TestUnsupportedGoTypes(t *testing.T) {
	nan := math.NaN()
	for path, fields := range map[string]map[string]any{
		"ch":                  {"ch": make(chan int)},
		"contacts[1].address": {"contacts": []any{map[string]any{}, map[string]any{"address": struct{}{}}}},
		"blob":                {"blob": []byte("x")},
		"f":                   {"f": func() {}},
		"n":                   {"n": &nan},
		"inf":                 {"inf": math.Inf(-1)},
		"m":                   {"m": map[int]string{1: "x"}},
		"big":                 {"big": uint64(math.MaxUint64)},
		"bad":                 {"bad": "\xff"},
		"num":                 {"num": json.Number("twelve")},
		"raw":                 {"raw": json.RawMessage("{")},
	} {
		err := accountkit.Validate("commvault", "update_account", fields)
		var ae *accountkit.Error
		if !errors.As(err, &ae) || ae.Kind != accountkit.KindValidation || !errors.Is(err, accountkit.ErrValidation) ||
			len(ae.Fields) != 1 || ae.Fields[0].Path != path || ae.Fields[0].Rule != "type" ||
			ae.Vendor != "commvault" || ae.Operation != "update_account" || !strings.Contains(err.Error(), path+" ") {
			t.Errorf("%s: got %v %+v", path, err, ae)
		}
	}
	// Every problem at once, each named; nothing reaches C.
	err := accountkit.Validate("99digital", "create_account", map[string]any{
		"a": make(chan int), "b": []any{1, func() {}, math.NaN()}, "ok": "fine",
	})
	var ae *accountkit.Error
	if !errors.As(err, &ae) || len(ae.Fields) != 3 || !strings.Contains(ae.Message, "3 invalid fields") {
		t.Fatalf("several problems: %v", err)
	}
	got := map[string]string{}
	for _, f := range ae.Fields {
		got[f.Path] = f.Message
	}
	if !strings.Contains(got["a"], "must be a string, number, boolean, nil, map or slice (got chan int)") ||
		!strings.Contains(got["b[1]"], "(got func())") || !strings.Contains(got["b[2]"], "finite") {
		t.Errorf("messages: %q", got)
	}
	// A value that contains itself is a problem, not a stack overflow.
	loop := []any{nil}
	loop[0] = loop
	err = accountkit.Validate("99digital", "create_account", map[string]any{"loop": loop})
	if !errors.As(err, &ae) || len(ae.Fields) != 1 || !strings.HasPrefix(ae.Fields[0].Path, "loop[0][0]") ||
		!strings.Contains(ae.Fields[0].Message, "cycle") {
		t.Errorf("cycle: %v", err)
	}
	// Typed slices, pointers and maps are fine.
	s := "Acme"
	err = accountkit.Validate("commvault", "update_account", map[string]any{
		"id": acmeID, "externalId": "X", "name": &s, "contacts": []map[string]any{}, "website": (*string)(nil),
	})
	if err != nil {
		t.Errorf("typed values: %v", err)
	}
}

func TestPositionalIDs(t *testing.T) {
	// The id binding is the C library's (ak_fields_set_id): twice, or for an
	// operation without an id field, is an invalid argument; nothing is sent.
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital")
	_, err := c.UpdateAccount(context.Background(), "1000", map[string]any{"account_id": 7, "server": "online"})
	var ae *accountkit.Error
	if !errors.As(err, &ae) || ae.Kind != accountkit.KindInvalidArgument || !strings.Contains(ae.Message, "given twice") {
		t.Errorf("id given twice: %v", err)
	}
	_, err = c.CallWithID(context.Background(), "create_account", "1000", nil)
	if !errors.As(err, &ae) || ae.Kind != accountkit.KindInvalidArgument || !strings.Contains(ae.Message, "takes no positional account id") {
		t.Errorf("create with an id: %v", err)
	}
	if _, err := c.CallWithID(context.Background(), "update_account", "1\x00", map[string]any{"server": "online"}); !errors.Is(err, accountkit.ErrInvalidArgument) {
		t.Errorf("id with NUL: %v", err)
	}
	ap := client(t, sb, "activeplatform")
	if _, err := ap.DeleteAccount(context.Background(), "500", nil); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Errorf("activeplatform delete_account: %v", err)
	}
	if j, _ := sb.Journal(); len(j) != 0 {
		t.Errorf("refused ids sent %d requests", len(j))
	}

	// Digits become the integer account_id, placed first.
	r, err := c.CreateAccount(context.Background(), digitalCreate("id@acme.example", "ids1"))
	if err != nil {
		t.Fatal(err)
	}
	sb.ClearJournal()
	if _, err := c.UpdateAccount(context.Background(), r.ID(), map[string]any{"server": "online", "account_status": 1}); err != nil {
		t.Fatal(err)
	}
	j, _ := sb.Journal()
	if len(j) != 1 || !strings.HasPrefix(string(j[0].Body), `{"account_id":`+r.ID()+`,`) {
		t.Errorf("update sent %+v", j)
	}
	if err := accountkit.ValidateWithID("99digital", "update_account", "12", map[string]any{"server": "online"}); err != nil {
		t.Errorf("ValidateWithID: %v", err)
	}
	err = accountkit.ValidateWithID("99digital", "update_account", "abc", map[string]any{"server": "online"})
	if !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Path != "account_id" || ae.Fields[0].Rule != "type" {
		t.Errorf("ValidateWithID abc: %v", err)
	}
	if err := accountkit.ValidateWithID("nope", "get_account", "1", nil); !errors.Is(err, accountkit.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "unknown vendor") {
		t.Errorf("ValidateWithID unknown vendor: %v", err)
	}
}
