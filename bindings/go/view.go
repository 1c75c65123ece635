package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"unsafe"
)

// AccountView reads record, one account record of vendor (a GetAccount
// result's Map, or one item of ListAccounts), as the same few fields for
// every vendor: "vendor", "id", "name", "email", "country" and "key" (your
// own key for the account: 99digital "reference", Commvault "externalId";
// for ActivePlatform, the custom attribute AccountViewWith names, else none;
// strings, or nil where the vendor or the record has none), "status"
// ("active", "suspended", "pending", "deleted" or "unknown"),
// "vendor_status" (the vendor's own value), "created" and "updated" (ISO
// 8601 UTC) and "record" (the record itself, every secret masked);
// docs/vendors/<vendor>.md, "Account view". Numbers are json.Number. It
// needs no client and sends nothing. An unknown vendor is a
// KindInvalidArgument error, and so is a nil record (not a JSON object).
func AccountView(vendor string, record map[string]any) (map[string]any, error) {
	return AccountViewWith(vendor, record, "")
}

// AccountViewWith is AccountView whose "key", for a vendor whose accounts
// have no field for your own key but custom attributes (ActivePlatform's
// "custom_attributes", {"key", "value"}), is the value of the attribute
// keyAttribute names ("partner_id", as your installation defines it; "":
// none, the key is nil). A vendor that keeps your key in a field of its own
// (99digital, Commvault) takes no keyAttribute: a KindInvalidArgument error.
func AccountViewWith(vendor string, record map[string]any, keyAttribute string) (map[string]any, error) {
	data, err := encodeJSON(vendor, "account_view", "record", record)
	if err != nil {
		return nil, err
	}
	return accountView(vendor, string(data), keyAttribute)
}

// View is the result as its vendor's common account view (AccountView): for
// a GetAccount result or an item of ListAccounts.
func (r *Result) View() (map[string]any, error) { return accountView(r.vendor, r.json, "") }

// ViewWith is View with the custom attribute that holds your key
// (AccountViewWith; ActivePlatform).
func (r *Result) ViewWith(keyAttribute string) (map[string]any, error) {
	return accountView(r.vendor, r.json, keyAttribute)
}

// accountView runs ak_account_view_with on a record's JSON text.
func accountView(vendor, record, keyAttribute string) (map[string]any, error) {
	cv, err := cString(vendor, "account_view", "vendor", vendor)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	cr, err := cString(vendor, "account_view", "record", record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cr))
	opts, err := planOptions(vendor, "account_view", false, keyAttribute)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(opts.key_attribute)) // free(NULL) is fine
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_account_view_with(&out, cv, cr, &opts, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	var view map[string]any
	if err := decodeJSON(vendor, "account_view", takeString(out), &view); err != nil {
		return nil, err
	}
	return view, nil
}

// takeString copies a "caller frees" string of the library and frees it.
func takeString(s *C.char) string {
	defer C.ak_string_free(s)
	return goStr(s)
}

// decodeJSON decodes JSON text the library produced into v, numbers as
// json.Number (ids keep every digit); a KindDecode error if it cannot.
func decodeJSON(vendor, operation, text string, v any) error {
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return localError(KindDecode, vendor, operation, "the library's JSON cannot be read: "+err.Error())
	}
	return nil
}
