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
// strings, or nil where the vendor or the record has none), "status"
// ("active", "suspended", "pending", "deleted" or "unknown"),
// "vendor_status" (the vendor's own value), "created" and "updated" (ISO
// 8601 UTC) and "record" (the record itself, every secret masked);
// docs/vendors/<vendor>.md, "Account view". Numbers are json.Number. It
// needs no client and sends nothing. An unknown vendor is a
// KindInvalidArgument error, and so is a nil record (not a JSON object).
func AccountView(vendor string, record map[string]any) (map[string]any, error) {
	data, err := encodeJSON(vendor, "account_view", "record", record)
	if err != nil {
		return nil, err
	}
	return accountView(vendor, string(data))
}

// View is the result as its vendor's common account view (AccountView): for
// a GetAccount result or an item of ListAccounts.
func (r *Result) View() (map[string]any, error) { return accountView(r.vendor, r.json) }

// accountView runs ak_account_view on a record's JSON text.
func accountView(vendor, record string) (map[string]any, error) {
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
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_account_view(&out, cv, cr, &cerr); st != C.AK_OK {
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
