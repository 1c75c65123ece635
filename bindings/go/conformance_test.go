// The conformance cases (tests/conformance/*.json; README.md there says what
// each key means) through the Go API, against one sandbox for the whole run,
// mirroring the C runner tests/conformance/conformance_test.cpp. Cases run
// in order (later ones see what earlier ones created), so a failing case is
// reported by name and the run goes on.
package accountkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

const conformanceDir = "../../tests/conformance"

// confCase is one case of any kind; json.RawMessage keeps "left out" apart
// from null.
type confCase struct {
	file string

	Name      string          `json:"name"`
	Kind      string          `json:"kind"`
	Vendor    string          `json:"vendor"`
	Operation string          `json:"operation"`
	Fields    json.RawMessage `json:"fields"`
	ID        json.RawMessage `json:"id"`
	Expect    json.RawMessage `json:"expect"`
	Call      json.RawMessage `json:"call"`
	Sent      *sentSpec       `json:"sent"`
	Secrets   []string        `json:"secrets"`

	Code       int     `json:"code"`
	StatusName *string `json:"status_name"`
	Parent     *string `json:"parent"`

	// view and plan cases (conformance_plan_test.go)
	Record       json.RawMessage   `json:"record"`
	Desired      []desiredSpec     `json:"desired"`
	Records      []json.RawMessage `json:"records"`
	Prune        bool              `json:"prune"`
	InFlight     json.RawMessage   `json:"in_flight"`
	KeyAttribute string            `json:"key_attribute"` // the custom attribute holding the partner's key; "": none
}

func (c *confCase) label() string { return c.file + ": " + c.Name }

type expectation struct {
	Status     string      `json:"status"`
	Fields     *[][]string `json:"fields"` // nil: not checked
	MessageHas []string    `json:"message_has"`
	ResultID   *string     `json:"result_id"`
}

type sentSpec struct {
	Method  string          `json:"method"`
	Path    string          `json:"path"`
	Query   json.RawMessage `json:"query"`
	Body    json.RawMessage `json:"body"`
	BodyHas json.RawMessage `json:"body_has"`
}

// decode reads JSON keeping numbers as json.Number (exact, as the case says).
func decode(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

// loadCases reads every case file in file-name order, cases in file order.
func loadCases(t *testing.T) []*confCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files in %s (%v)", conformanceDir, err)
	}
	slices.Sort(files)
	var out []*confCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []*confCase `json:"cases"`
		}
		if err := decode(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err) // a bad case file fails loudly
		}
		for _, c := range doc.Cases {
			c.file = filepath.Base(f)
			if c.Kind == "" {
				c.Kind = "operation"
			}
			out = append(out, c)
		}
	}
	return out
}

// present tells a member given (even as null) from one left out.
func present(raw json.RawMessage) bool { return len(raw) > 0 }

// fields are the case's fields; left out, nil (no fields at all).
func (c *confCase) fields() (map[string]any, error) {
	if !present(c.Fields) || string(c.Fields) == "null" {
		return nil, nil
	}
	var m map[string]any
	err := decode(c.Fields, &m)
	return m, err
}

// id is the positional id as text (an integer as its decimal text), and
// whether the case gives one.
func (c *confCase) id() (string, bool, error) {
	if !present(c.ID) {
		return "", false, nil
	}
	var v any
	if err := decode(c.ID, &v); err != nil {
		return "", true, err
	}
	switch id := v.(type) {
	case string:
		return id, true, nil
	case json.Number:
		return id.String(), true, nil
	}
	return "", true, fmt.Errorf("id %s is neither text nor an integer", c.ID)
}

// ---- outcomes -------------------------------------------------------------------

type outcome struct {
	status, message, rawBody, resultID string
	fields                             [][]string // path, rule
	fieldMessages                      string
}

func outcomeOf(r *accountkit.Result, err error) (outcome, string) {
	o := outcome{status: "ok"}
	if r != nil {
		o.resultID = r.ID()
	}
	if err == nil {
		return o, ""
	}
	var ae *accountkit.Error
	if !errors.As(err, &ae) {
		o.status = "go error"
		o.message = err.Error()
		return o, ""
	}
	o.status, o.message, o.rawBody = ae.Kind.String(), ae.Message, ae.RawBody
	for _, f := range ae.Fields {
		o.fields = append(o.fields, []string{f.Path, f.Rule})
		o.fieldMessages += f.Message + "\n"
	}
	if ae.Category != ae.Kind.String() {
		return o, fmt.Sprintf("category %q differs from the kind's name %q; ", ae.Category, ae.Kind.String())
	}
	return o, ""
}

func (o outcome) String() string {
	s := fmt.Sprintf("%s %q", o.status, o.message)
	for _, f := range o.fields {
		s += fmt.Sprintf(" [%s %s]", f[0], f[1])
	}
	return s
}

// differences checks o against an expectation; "" when none.
func differences(o outcome, raw json.RawMessage) string {
	var want expectation
	if err := decode(raw, &want); err != nil {
		return "bad expectation: " + err.Error()
	}
	var diff string
	if o.status != want.Status {
		diff += fmt.Sprintf("status %s, want %s; ", o.status, want.Status)
	}
	if want.Fields != nil && !slices.EqualFunc(*want.Fields, o.fields, slices.Equal[[]string]) {
		diff += fmt.Sprintf("fields differ, want %v; ", *want.Fields)
	}
	for _, h := range want.MessageHas {
		if !strings.Contains(o.message, h) {
			diff += fmt.Sprintf("message lacks %q; ", h)
		}
	}
	if want.ResultID != nil && o.resultID != *want.ResultID {
		diff += fmt.Sprintf("result id %q, want %q; ", o.resultID, *want.ResultID)
	}
	if diff == "" {
		return ""
	}
	return diff + "got " + o.String()
}

// ---- the front end under test: the Go API ---------------------------------------

type runner struct {
	sb      *sandbox.Sandbox
	clients map[string]*accountkit.Client
}

func (r *runner) close() {
	for _, c := range r.clients {
		c.Close()
	}
	r.sb.Close()
}

func (r *runner) validate(c *confCase) (outcome, string) {
	fields, err := c.fields()
	if err != nil {
		return outcome{}, "bad fields: " + err.Error()
	}
	id, hasID, err := c.id()
	if err != nil {
		return outcome{}, err.Error()
	}
	if hasID {
		return outcomeOf(nil, accountkit.ValidateWithID(c.Vendor, c.Operation, id, fields))
	}
	return outcomeOf(nil, accountkit.Validate(c.Vendor, c.Operation, fields))
}

// client is the vendor's client pointed at the sandbox, made on first use as
// the C runner makes it (ak_client_new, then the sandbox's settings).
func (r *runner) client(vendor string) (*accountkit.Client, error) {
	if c, ok := r.clients[vendor]; ok {
		return c, nil
	}
	c, err := accountkit.NewClient(vendor)
	if err != nil {
		return nil, err
	}
	if err := r.sb.ConfigureClient(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("pointing the client at the sandbox: %w", err)
	}
	r.clients[vendor] = c
	return c, nil
}

func (r *runner) call(c *confCase) (outcome, string) {
	cl, err := r.client(c.Vendor)
	if err != nil {
		return outcomeOf(nil, err) // a failure to make the client is the outcome
	}
	fields, err := c.fields()
	if err != nil {
		return outcome{}, "bad fields: " + err.Error()
	}
	id, hasID, err := c.id()
	if err != nil {
		return outcome{}, err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if hasID {
		return outcomeOf(cl.CallWithID(ctx, c.Operation, id, fields))
	}
	return outcomeOf(cl.Call(ctx, c.Operation, fields))
}

// ---- what reached the sandbox ----------------------------------------------------

// same is deep JSON equality: numbers by value, objects as sets of members.
func same(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, _, ex := big.ParseFloat(x.String(), 10, 256, big.ToNearestEven)
		fy, _, ey := big.ParseFloat(y.String(), 10, 256, big.ToNearestEven)
		return ex == nil && ey == nil && fx.Cmp(fy) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !same(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, same)
	}
	return a == b // string, bool, nil
}

func text(v any) string {
	out, _ := json.Marshal(v)
	return string(out)
}

// checkSent finds the last journal entry with sent's method and path and
// checks query, body and body_has on it.
func checkSent(journal []map[string]any, raw string, sent *sentSpec) string {
	var found map[string]any
	for _, e := range journal {
		if e["method"] == sent.Method && e["path"] == sent.Path {
			found = e
		}
	}
	if found == nil {
		return fmt.Sprintf("no %s %s reached the sandbox; journal: %s", sent.Method, sent.Path, raw)
	}
	var diff string
	want := func(member json.RawMessage) any {
		var v any
		if err := decode(member, &v); err != nil {
			diff += "bad sent spec: " + err.Error() + "; "
		}
		return v
	}
	if present(sent.Query) {
		if w := want(sent.Query); !same(w, found["query"]) {
			diff += fmt.Sprintf("query %s, want %s; ", text(found["query"]), text(w))
		}
	}
	if present(sent.Body) {
		if w := want(sent.Body); !same(w, found["body"]) {
			diff += fmt.Sprintf("body %s, want %s; ", text(found["body"]), text(w))
		}
	}
	if present(sent.BodyHas) {
		body, _ := found["body"].(map[string]any)
		members, _ := want(sent.BodyHas).(map[string]any)
		for k, w := range members {
			got, ok := body[k]
			if !ok || !same(w, got) {
				diff += fmt.Sprintf("body member %s is %s, want %s; ", k, text(got), text(w))
			}
		}
	}
	return diff
}

func checkSecrets(c *confCase, journal string, outcomes ...outcome) string {
	var diff string
	for _, secret := range c.Secrets {
		escaped := strings.Trim(text(secret), `"`) // as it would appear inside JSON text
		for _, o := range outcomes {
			for _, s := range []string{o.message, o.rawBody, o.fieldMessages} {
				if strings.Contains(s, secret) {
					diff += fmt.Sprintf("an error shows the secret %q; ", secret)
				}
			}
		}
		if strings.Contains(journal, secret) || strings.Contains(journal, escaped) {
			diff += fmt.Sprintf("the journal shows the secret %q; ", secret)
		}
	}
	return diff
}

// ---- the runs -------------------------------------------------------------------

func TestConformance(t *testing.T) {
	cases := loadCases(t)
	sb, err := sandbox.Start()
	if err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	run := &runner{sb: sb, clients: map[string]*accountkit.Client{}}
	defer run.close()

	counts := map[string]int{}
	for _, c := range cases {
		counts[c.Kind]++
		switch c.Kind {
		case "operation":
			run.operation(t, c)
		case "status":
			statusCase(t, c)
		case "path":
			// Go takes no field paths anywhere (fields are nested maps).
		case "view":
			viewCase(t, c)
		case "plan":
			planCase(t, c)
		default:
			t.Errorf("%s: unknown case kind %q", c.label(), c.Kind)
		}
	}
	t.Logf("conformance: %d operation, %d status, %d view and %d plan cases run; %d path cases not applicable to Go (it takes no field paths)",
		counts["operation"], counts["status"], counts["view"], counts["plan"], counts["path"])
	if counts["operation"] < 100 {
		t.Errorf("only %d operation cases ran (case files in %s?)", counts["operation"], conformanceDir)
	}
	if counts["status"] < 15 {
		t.Errorf("only %d status cases ran", counts["status"])
	}
	if counts["view"] < 5 || counts["plan"] < 10 {
		t.Errorf("only %d view and %d plan cases ran", counts["view"], counts["plan"])
	}
}

func (r *runner) operation(t *testing.T, c *confCase) {
	t.Helper()
	if !present(c.Expect) {
		t.Errorf("%s: no expect", c.label())
		return
	}
	local, bad := r.validate(c)
	if d := bad + differences(local, c.Expect); d != "" {
		t.Errorf("%s\n  validate: %s", c.label(), d)
	}
	callWant := c.Expect
	if present(c.Call) {
		callWant = c.Call
	}
	r.sb.ClearJournal()
	called, bad := r.call(c)
	if d := bad + differences(called, callWant); d != "" {
		t.Errorf("%s\n  call: %s", c.label(), d)
	}
	raw, err := r.sb.JournalJSON()
	if err != nil {
		t.Errorf("%s: journal: %v", c.label(), err)
		return
	}
	var journal []map[string]any
	if err := decode([]byte(raw), &journal); err != nil {
		t.Errorf("%s: journal %s: %v", c.label(), raw, err)
		return
	}
	var expect expectation
	_ = decode(c.Expect, &expect) // differences reported a bad one
	if !present(c.Call) && expect.Status != "ok" && len(journal) != 0 {
		t.Errorf("%s\n  sent although the outcome is local: %s", c.label(), raw)
	}
	if c.Sent != nil {
		if d := checkSent(journal, raw, c.Sent); d != "" {
			t.Errorf("%s\n  sent: %s", c.label(), d)
		}
	}
	if d := checkSecrets(c, raw, local, called); d != "" {
		t.Errorf("%s\n  %s", c.label(), d)
	}
}

// statusCase checks Kind's name and, through errors.Is with the sentinels,
// the parent the case names.
func statusCase(t *testing.T, c *confCase) {
	t.Helper()
	k := accountkit.Kind(c.Code)
	wantName := fmt.Sprintf("kind(%d)", c.Code)
	if c.StatusName != nil {
		wantName = *c.StatusName
	}
	if got := k.String(); got != wantName {
		t.Errorf("%s: Kind(%d).String() = %q, want %q", c.label(), c.Code, got, wantName)
	}
	if c.StatusName != nil && *c.StatusName != "ok" && sentinelNamed(*c.StatusName) == nil {
		t.Errorf("%s: no sentinel for %q", c.label(), *c.StatusName)
	}
	if c.Parent != nil && sentinelNamed(*c.Parent) == nil {
		t.Errorf("%s: no sentinel for the parent %q", c.label(), *c.Parent)
	}
	// The error matches its own sentinel and its parent's, no other.
	err := fmt.Errorf("wrapped: %w", &accountkit.Error{Kind: k, Category: k.String()})
	for name, s := range sentinels {
		want := c.StatusName != nil && s.Category == *c.StatusName || c.Parent != nil && s.Category == *c.Parent
		if got := errors.Is(err, s); got != want {
			t.Errorf("%s: errors.Is(Kind(%d) error, %s) = %v, want %v", c.label(), c.Code, name, got, want)
		}
	}
}
