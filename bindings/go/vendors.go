package accountkit

/*
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"encoding/json"
	"sync"
)

// Vendor describes one vendor (from ak_vendors_json).
type Vendor struct {
	Name           string      `json:"name"`
	DisplayName    string      `json:"display_name"`
	DefaultBaseURL string      `json:"default_base_url"`
	Credentials    []string    `json:"credentials"`
	SecretOptions  []string    `json:"secret_options"`
	SecretKeys     []string    `json:"secret_keys"` // every key whose value is a secret, in requests and answers
	Asynchronous   bool        `json:"asynchronous"`
	Operations     []Operation `json:"operations"`
}

// Operation describes one vendor operation.
type Operation struct {
	Name    string           `json:"name"`
	Kind    string           `json:"kind"` // create, read, list, update, delete
	Method  string           `json:"method"`
	Path    string           `json:"path"`
	IDField string           `json:"id_field"` // the field CallWithID binds the id to ("" = none)
	Fields  []map[string]any `json:"fields"`   // rules: name, type, required, ...
}

var (
	vendorsOnce sync.Once
	vendorsList []Vendor
	vendorsErr  error
)

// Vendors describes every vendor the library supports, as the C library
// tells (ak_vendors_json): the one source of vendor and operation names.
func Vendors() ([]Vendor, error) {
	vendorsOnce.Do(func() {
		var s *C.char
		var cerr *C.ak_error
		if st := C.ak_vendors_json(&s, &cerr); st != C.AK_OK {
			vendorsErr = takeError(st, cerr)
			return
		}
		defer C.ak_string_free(s)
		vendorsErr = json.Unmarshal([]byte(C.GoString(s)), &vendorsList)
	})
	if vendorsErr != nil {
		return nil, vendorsErr
	}
	out := make([]Vendor, len(vendorsList))
	copy(out, vendorsList)
	return out, nil
}
