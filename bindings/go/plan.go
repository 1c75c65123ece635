package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import "unsafe"

// DesiredAccount is one account as you want it at the vendor: Fields are
// create_account's fields (your key among them: 99digital "reference",
// Commvault "account.externalId"), Status "active" or "suspended" ("" leaves
// the status as it is), Line where the record came from, for messages (0:
// its position in the list, from 1).
type DesiredAccount struct {
	Line   int
	Fields map[string]any
	Status string
}

// PlanStep is one step of a plan (docs/plan.md): Action is "create",
// "update", "suspend", "resume", "no_change", "conflict", "only_at_vendor" or
// "remove"; Key the account's key, ID its id at the vendor ("" for a
// create), Line the desired record's line (0 for an account only at the
// vendor). A step that runs something names its Operation and Fields
// (secrets "***": a create sends the desired record itself). Changes are
// the differences found, Expect what the step relied on (check it with
// ChangedSince before running the step), Reason why a step runs nothing.
type PlanStep struct {
	Action, Vendor, Key, ID string
	Line                    int
	Operation               string
	Fields                  map[string]any
	Changes                 []FieldChange
	Expect                  map[string]any
	Reason                  string
}

// FieldChange is one difference a plan found: Field shows From, the desired
// record To; Applied is false for a difference the step cannot apply (the
// step's Reason says why).
type FieldChange struct {
	Field    string
	From, To any
	Applied  bool
}

// PlanOptions is what a plan may take beyond its inputs (PlanWith).
type PlanOptions struct {
	// Prune removes the accounts only at the vendor that carry your key,
	// where the vendor can.
	Prune bool
	// InFlight are the items of the vendor's listing of its creates still in
	// flight as Call gives them (Commvault's "list_fulfillments", whose
	// "externalAccountId" is the account's key; docs/plan.md "Creates in
	// flight"). A desired record with no account whose fulfillment is still
	// pending is then a "conflict" ("its account is being created
	// (get_fulfillment F is submitted): plan again once it settles"), not a
	// second create; complete and failed fulfillments change nothing. A vendor
	// that lists no creates in flight (99digital) takes none: an item is then
	// a KindInvalidArgument error.
	InFlight []map[string]any
	// KeyAttribute is, for a vendor whose accounts have no field for your
	// own key but custom attributes (ActivePlatform's "custom_attributes",
	// {"key", "value"}), the key of the attribute that holds it, as your
	// installation defines it ("partner_id"): its value is the account's key,
	// in desired records (their Fields' custom_attributes) and in accounts
	// alike, read from each account's "record" (so views made without it
	// plan the same). ActivePlatform cannot be planned without it; a vendor
	// that keeps your key in a field of its own (99digital, Commvault) takes
	// none: either is a KindInvalidArgument error. "": none.
	KeyAttribute string
}

// Plan is the plan that brings vendor's accounts in line with desired
// (docs/plan.md has the rules, which live in the C library): current are
// the accounts the vendor holds, as AccountView (or (*Result).View) gives
// them; prune removes the accounts only at the vendor that carry your key,
// where the vendor can. Steps come in the order of desired, then the
// accounts only at the vendor. It sends nothing: run a step's Operation with
// its Fields (c.Call) after checking ChangedSince. An unknown vendor,
// malformed input or a vendor that cannot be planned (ActivePlatform, whose
// key is a custom attribute you name: PlanWith; activeplatform-v3, whose
// create_account sets no custom attributes) is a KindInvalidArgument error.
// Plan is PlanWith with only PlanOptions.Prune.
func Plan(vendor string, desired []DesiredAccount, current []map[string]any, prune bool) ([]PlanStep, error) {
	return PlanWith(vendor, desired, current, PlanOptions{Prune: prune})
}

// PlanWith is Plan with options (PlanOptions): the vendor's creates still
// in flight, and the custom attribute that holds your key (ActivePlatform
// is planned only with one, KeyAttribute).
func PlanWith(vendor string, desired []DesiredAccount, current []map[string]any, opts PlanOptions) ([]PlanStep, error) {
	in := make([]any, len(desired))
	for i, d := range desired {
		one := map[string]any{"fields": d.Fields, "status": nil}
		if d.Line != 0 {
			one["line"] = d.Line
		}
		if d.Status != "" {
			one["status"] = d.Status
		}
		in[i] = one
	}
	// ak_plan_with takes null for neither list.
	if current == nil {
		current = []map[string]any{}
	}
	inFlight := opts.InFlight
	if inFlight == nil {
		inFlight = []map[string]any{}
	}
	cv, err := cString(vendor, "plan", "vendor", vendor)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	cd, err := cJSON(vendor, "plan", "desired accounts", in)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cd))
	// Always the {accounts, in_flight} form of current_json: one way to call ak_plan_with.
	cc, err := cJSON(vendor, "plan", "current accounts and creates in flight", map[string]any{"accounts": current, "in_flight": inFlight})
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cc))
	copts, err := planOptions(vendor, "plan", opts.Prune, opts.KeyAttribute)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(copts.key_attribute)) // free(NULL) is fine
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_plan_with(&out, cv, cd, cc, &copts, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	var plan struct {
		Steps []struct {
			Action, Vendor, Key, ID string
			Line                    int
			Operation               string
			Fields                  map[string]any
			Changes                 []struct {
				Field    string
				From, To any
				Applied  *bool
			}
			Expect map[string]any
			Reason string
		}
	}
	if err := decodeJSON(vendor, "plan", takeString(out), &plan); err != nil {
		return nil, err
	}
	steps := make([]PlanStep, len(plan.Steps))
	for i, s := range plan.Steps {
		steps[i] = PlanStep{Action: s.Action, Vendor: s.Vendor, Key: s.Key, ID: s.ID, Line: s.Line,
			Operation: s.Operation, Fields: s.Fields, Expect: s.Expect, Reason: s.Reason}
		for _, c := range s.Changes {
			steps[i].Changes = append(steps[i].Changes,
				FieldChange{Field: c.Field, From: c.From, To: c.To, Applied: c.Applied == nil || *c.Applied})
		}
	}
	return steps, nil
}

// ChangedSince says what changed in an account since a plan read it: expect
// is the step's Expect, view the account's view now (AccountView). It
// returns "" when nothing did, else for example `account_name is now "B",
// the plan read "A"`.
func ChangedSince(expect, view map[string]any) (string, error) {
	ce, err := cJSON("", "changed_since", "expect", expect)
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(ce))
	cv, err := cJSON("", "changed_since", "view", view)
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(cv))
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_plan_changed_since(&out, ce, cv, &cerr); st != C.AK_OK {
		return "", takeError(st, cerr)
	}
	return takeString(out), nil
}

// planOptions is an ak_plan_options; its key_attribute (NULL for "") is a C
// string the caller frees.
func planOptions(vendor, operation string, prune bool, keyAttribute string) (C.ak_plan_options, error) {
	opts := C.ak_plan_options{version: C.AK_PLAN_OPTIONS_VERSION}
	if prune {
		opts.prune = 1
	}
	if keyAttribute != "" {
		ck, err := cString(vendor, operation, "key attribute", keyAttribute)
		if err != nil {
			return opts, err
		}
		opts.key_attribute = ck
	}
	return opts, nil
}

// cJSON is v as JSON text for C (encodeJSON's checks); the caller frees it.
func cJSON(vendor, operation, what string, v any) (*C.char, error) {
	data, err := encodeJSON(vendor, operation, what, v)
	if err != nil {
		return nil, err
	}
	return cString(vendor, operation, what, string(data))
}
