package accountkit

/*
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"bytes"
	"encoding/json"
)

// Result is a call's answer, copied out of C: plain Go data, safe to share.
type Result struct {
	id, status, json string
}

// takeResult copies a C result and frees it (nil stays nil).
func takeResult(r *C.ak_result) *Result {
	if r == nil {
		return nil
	}
	defer C.ak_result_free(r)
	return &Result{
		id:     goStr(C.ak_result_id(r)),
		status: goStr(C.ak_result_status(r)),
		json:   goStr(C.ak_result_json(r)),
	}
}

// ID is the account id the result names, as text, or "".
func (r *Result) ID() string { return r.id }

// Status is the account's normalised status ("active", "suspended", ...), or "".
func (r *Result) Status() string { return r.status }

// JSON is the whole result as compact JSON, by the vendor's own field names.
func (r *Result) JSON() string { return r.json }

// String returns JSON().
func (r *Result) String() string { return r.json }

// Map decodes the result into a map. Numbers are json.Number, so ids keep
// every digit. A result that is not a JSON object gives nil.
func (r *Result) Map() map[string]any {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader([]byte(r.json)))
	d.UseNumber()
	if d.Decode(&m) != nil {
		return nil
	}
	return m
}

// Decode unmarshals the result's JSON into v (like json.Unmarshal).
func (r *Result) Decode(v any) error { return json.Unmarshal([]byte(r.json), v) }
