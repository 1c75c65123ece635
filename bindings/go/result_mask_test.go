package accountkit

import (
	"strings"
	"testing"
)

// Printing a result never shows a secret (issue 13): String masks the values
// of the C library's secret keys at any depth; JSON keeps the data.
func TestResultStringMasksSecretKeys(t *testing.T) {
	raw := `{"name":"n","access_token":"tok-Q1","nested":[{"password":"pw-Z2","api_token":null}],"id":12345678901234567890}`
	r := &Result{json: raw}
	s := r.String()
	for _, secret := range []string{"tok-Q1", "pw-Z2"} {
		if strings.Contains(s, secret) {
			t.Errorf("String shows a secret: %d bytes, has %q: true", len(s), secret[:3])
		}
	}
	for _, kept := range []string{`"name":"n"`, `"api_token":null`, `12345678901234567890`, `"access_token":"***"`} {
		if !strings.Contains(s, kept) {
			t.Errorf("String lost %s: %s", kept, strings.ReplaceAll(strings.ReplaceAll(s, "tok-Q1", "?"), "pw-Z2", "?"))
		}
	}
	if r.JSON() != raw {
		t.Errorf("JSON changed")
	}
	if plain := (&Result{json: `{"a":1}`}); plain.String() != `{"a":1}` {
		t.Errorf("a result without secrets changed: %s", plain.String())
	}
}
