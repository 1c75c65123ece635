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
	vendor           string
	id, status, json string
	recovered        bool
	unavailable      []string
}

// takeResult copies a C result of vendor's and frees it (nil stays nil).
func takeResult(vendor string, r *C.ak_result) *Result {
	if r == nil {
		return nil
	}
	defer C.ak_result_free(r)
	out := &Result{
		vendor:    vendor,
		id:        goStr(C.ak_result_id(r)),
		status:    goStr(C.ak_result_status(r)),
		json:      goStr(C.ak_result_json(r)),
		recovered: C.ak_result_is_recovered(r) != 0,
	}
	for i := 0; ; i++ {
		name := C.ak_result_unavailable(r, C.size_t(i))
		if name == nil {
			break
		}
		out.unavailable = append(out.unavailable, goStr(name))
	}
	return out
}

// Recovered reports whether this is a create whose answer was lost and whose
// account was found again by its natural key (provably this request's).
func (r *Result) Recovered() bool { return r.recovered }

// Unavailable names, for a recovered result, the fields a normal answer
// carries that the lookup could not (99digital: "agent_id").
func (r *Result) Unavailable() []string { return r.unavailable }

// ID is the account id the result names, as text, or "".
func (r *Result) ID() string { return r.id }

// Status is the account's normalised status ("active", "suspended", ...), or "".
func (r *Result) Status() string { return r.status }

// JSON is the whole result as compact JSON, by the vendor's own field names.
func (r *Result) JSON() string { return r.json }

// String returns JSON() with the value of every secret key (Vendor.SecretKeys,
// the C library's list) replaced by "***", so printing a result never shows
// a secret. JSON() keeps the vendor's data as it came.
func (r *Result) String() string {
	var v any
	d := json.NewDecoder(bytes.NewReader([]byte(r.json)))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return r.json
	}
	keys := secretKeys()
	if !maskSecrets(v, keys) {
		return r.json
	}
	out, err := json.Marshal(v)
	if err != nil {
		return r.json
	}
	return string(out)
}

// secretKeys is the union of every vendor's secret keys.
func secretKeys() map[string]bool {
	keys := map[string]bool{}
	vs, _ := Vendors()
	for _, v := range vs {
		for _, k := range v.SecretKeys {
			keys[k] = true
		}
	}
	return keys
}

// maskSecrets replaces the non-null values of secret keys in v, at any
// depth, by "***"; it reports whether it replaced any.
func maskSecrets(v any, keys map[string]bool) bool {
	masked := false
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if keys[k] && child != nil {
				t[k] = "***"
				masked = true
			} else if maskSecrets(child, keys) {
				masked = true
			}
		}
	case []any:
		for _, child := range t {
			if maskSecrets(child, keys) {
				masked = true
			}
		}
	}
	return masked
}

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
