// The conformance cases of kind "view" and "plan" (tests/conformance/README.md)
// through AccountViewWith and PlanWith: pure functions, no sandbox. TestConformance
// (conformance_test.go) runs them in file order with the other kinds.
package accountkit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
)

// desiredSpec is a plan case's desired record; a null status is "".
type desiredSpec struct {
	Line   int             `json:"line"`
	Fields json.RawMessage `json:"fields"`
	Status *string         `json:"status"`
}

// failureDifferences checks an error against {"status", "message_has"}.
func failureDifferences(err error, want json.RawMessage) string {
	if err == nil {
		return "succeeded, want " + string(want)
	}
	o, defect := outcomeOf(nil, err)
	return defect + differences(o, want)
}

// secretsShown names the case's secrets found in texts (as they are, or as
// they would be written inside JSON text).
func secretsShown(c *confCase, texts ...string) string {
	var diff string
	for _, secret := range c.Secrets {
		escaped := strings.Trim(text(secret), `"`)
		for _, s := range texts {
			if strings.Contains(s, secret) || strings.Contains(s, escaped) {
				diff += fmt.Sprintf("the secret %q shows; ", secret)
				break
			}
		}
	}
	return diff
}

func errorText(err error) string {
	var ae *accountkit.Error
	if errors.As(err, &ae) {
		return ae.Message + ae.RawBody
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// viewOf is AccountViewWith of a raw record; one that is no JSON object goes
// as nil (AccountViewWith takes a map), which the library refuses as it would.
func viewOf(vendor string, raw json.RawMessage, keyAttribute string) (map[string]any, error) {
	var record any
	if err := decode(raw, &record); err != nil {
		return nil, fmt.Errorf("bad record %s: %w", raw, err)
	}
	m, _ := record.(map[string]any)
	return accountkit.AccountViewWith(vendor, m, keyAttribute)
}

// expected decodes one member of a case's "expect" (numbers as json.Number); nil when absent.
func expected(c *confCase, key string) (any, bool) {
	var expect map[string]json.RawMessage
	if err := decode(c.Expect, &expect); err != nil || expect[key] == nil {
		return nil, false
	}
	var v any
	if err := decode(expect[key], &v); err != nil {
		return nil, false
	}
	return v, true
}

func viewCase(t *testing.T, c *confCase) {
	t.Helper()
	view, err := viewOf(c.Vendor, c.Record, c.KeyAttribute)
	diff := secretsShown(c, text(view), errorText(err))
	if want, ok := expected(c, "view"); ok {
		shown := map[string]any{}
		for k, v := range view {
			if k != "record" { // checked for secrets above
				shown[k] = v
			}
		}
		switch {
		case err != nil:
			diff += "failed: " + err.Error()
		case !same(shown, want):
			diff += fmt.Sprintf("view %s, want %s", text(view), text(want))
		}
	} else {
		diff += failureDifferences(err, c.Expect)
	}
	if diff != "" {
		t.Errorf("%s\n  AccountViewWith: %s", c.label(), diff)
	}
}

// stepJSON is a step in the shape ak_plan writes it (core plan_step_json):
// members without a value are left out, "applied" only when false.
func stepJSON(s accountkit.PlanStep) map[string]any {
	out := map[string]any{"action": s.Action, "vendor": s.Vendor, "key": s.Key}
	if s.ID != "" {
		out["id"] = s.ID
	}
	if s.Line != 0 {
		out["line"] = s.Line
	}
	if s.Operation != "" {
		out["operation"] = s.Operation
		fields := s.Fields
		if fields == nil {
			fields = map[string]any{}
		}
		out["fields"] = fields
	}
	if len(s.Changes) > 0 {
		changes := make([]any, len(s.Changes))
		for i, ch := range s.Changes {
			one := map[string]any{"field": ch.Field, "from": ch.From, "to": ch.To}
			if !ch.Applied {
				one["applied"] = false
			}
			changes[i] = one
		}
		out["changes"] = changes
	}
	if len(s.Expect) > 0 {
		out["expect"] = s.Expect
	}
	if s.Reason != "" {
		out["reason"] = s.Reason
	}
	return out
}

// plan runs the case through AccountView (without the key attribute:
// PlanWith reads such a key from each view's record) and PlanWith; its steps
// as decoded JSON.
func plan(c *confCase) (any, string, error) {
	desired := make([]accountkit.DesiredAccount, len(c.Desired))
	for i, d := range c.Desired {
		desired[i] = accountkit.DesiredAccount{Line: d.Line}
		if err := decode(d.Fields, &desired[i].Fields); err != nil {
			return nil, "", fmt.Errorf("bad desired fields %s: %w", d.Fields, err)
		}
		if d.Status != nil {
			desired[i].Status = *d.Status
		}
	}
	views := make([]map[string]any, 0, len(c.Records))
	for _, raw := range c.Records {
		view, err := viewOf(c.Vendor, raw, "")
		if err != nil {
			return nil, "", fmt.Errorf("the view of %s: %w", raw, err)
		}
		views = append(views, view)
	}
	var inFlight []map[string]any
	if c.InFlight != nil {
		if err := decode(c.InFlight, &inFlight); err != nil {
			return nil, "", fmt.Errorf("bad in_flight %s: %w", c.InFlight, err)
		}
	}
	opts := accountkit.PlanOptions{Prune: c.Prune, InFlight: inFlight, KeyAttribute: c.KeyAttribute}
	steps, err := accountkit.PlanWith(c.Vendor, desired, views, opts)
	if err != nil {
		return nil, "", err
	}
	out := make([]any, len(steps))
	for i, s := range steps {
		out[i] = stepJSON(s)
	}
	// Through JSON text, so numbers are json.Number as the expectation's are.
	shown := text(out)
	var decoded any
	if err := decode([]byte(shown), &decoded); err != nil {
		return nil, shown, err
	}
	return decoded, shown + fmt.Sprintf("%+v", steps), nil
}

func planCase(t *testing.T, c *confCase) {
	t.Helper()
	steps, shown, err := plan(c)
	diff := secretsShown(c, shown, errorText(err))
	if want, ok := expected(c, "steps"); ok {
		switch {
		case err != nil:
			diff += "failed: " + err.Error()
		case !same(steps, want):
			diff += fmt.Sprintf("steps %s, want %s", text(steps), text(want))
		}
	} else {
		diff += failureDifferences(err, c.Expect)
	}
	if diff != "" {
		t.Errorf("%s\n  Plan: %s", c.label(), diff)
	}
}
