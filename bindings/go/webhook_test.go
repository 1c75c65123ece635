package accountkit_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
)

func TestParseWebhook(t *testing.T) {
	r, err := accountkit.ParseWebhook("99digital",
		[]byte(`{"type":"partners","event":"account_created","accountID":"1000","reference":"crm42"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID() != "1000" || r.Status() != "account_created" {
		t.Fatalf("id %q status %q", r.ID(), r.Status())
	}
	if got := fmt.Sprint(r.Map()["account_id"]); got != "1000" {
		t.Fatalf("account_id %v", got)
	}

	secret := "https://builder.99digital.co.il/sso/feedfacefeedface"
	_, err = accountkit.ParseWebhook("99digital", []byte(`{"type":"builder","login":"`+secret+`"}`))
	if !errors.Is(err, accountkit.ErrDecode) {
		t.Fatalf("want a decode error, got %v", err)
	}
	if !strings.Contains(err.Error(), "builderID") || strings.Contains(err.Error(), "feedface") {
		t.Fatalf("message: %v", err)
	}
	if _, err := accountkit.ParseWebhook("99digital", nil); !errors.Is(err, accountkit.ErrDecode) {
		t.Fatalf("empty body: %v", err)
	}
	if _, err := accountkit.ParseWebhook("commvault", []byte("{}")); !errors.Is(err, accountkit.ErrUnknownOperation) {
		t.Fatalf("commvault: %v", err)
	}
}
