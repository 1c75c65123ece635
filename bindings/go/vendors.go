package accountkit

/*
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Vendor describes one vendor (from ak_vendors_json).
type Vendor struct {
	Name           string      `json:"name"`
	DisplayName    string      `json:"display_name"`
	DefaultBaseURL string      `json:"default_base_url"`
	Credentials    []string    `json:"credentials"`
	SecretOptions  []string    `json:"secret_options"`
	Asynchronous   bool        `json:"asynchronous"`
	Operations     []Operation `json:"operations"`
}

// Operation describes one vendor operation.
type Operation struct {
	Name    string           `json:"name"`
	Kind    string           `json:"kind"` // create, read, list, update, delete
	Method  string           `json:"method"`
	Path    string           `json:"path"`
	IDField string           `json:"id_field"`
	Fields  []map[string]any `json:"fields"` // rules: name, type, required, ...
}

var (
	vendorsOnce sync.Once
	vendorsList []Vendor
	vendorsErr  error
)

// Vendors describes every vendor the library supports.
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

// idField returns the name and type of operation's id field.
func idField(vendor, operation string) (name, typ string, err error) {
	vs, err := Vendors()
	if err != nil {
		return "", "", err
	}
	for _, v := range vs {
		if v.Name != vendor {
			continue
		}
		for _, op := range v.Operations {
			if op.Name != operation {
				continue
			}
			if op.IDField == "" {
				break
			}
			for _, f := range op.Fields {
				if f["name"] == op.IDField {
					typ, _ = f["type"].(string)
				}
			}
			return op.IDField, typ, nil
		}
		return "", "", localError(KindUnknownOperation, vendor, operation,
			fmt.Sprintf("%s has no %s operation that takes an account id", vendor, operation))
	}
	return "", "", localError(KindInvalidArgument, vendor, operation, fmt.Sprintf("unknown vendor %q", vendor))
}
