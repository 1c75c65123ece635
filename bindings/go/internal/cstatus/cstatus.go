// Package cstatus reads the C library's status table directly, so that tests
// can hold the Go binding's Kind names and error hierarchy against it.
package cstatus

/*
#cgo pkg-config: accountkit
#cgo accountkit_static LDFLAGS: -l:libaccountkit.a -lcurl -lsimdjson -lstdc++ -lm -Wl,--as-needed
#include <accountkit/accountkit.h>
*/
import "C"

// Name is ak_status_name(code), and false for a number that is no status.
func Name(code int32) (string, bool) {
	s := C.ak_status_name(C.int(code))
	if s == nil {
		return "", false
	}
	return C.GoString(s), true
}

// Parent is ak_status_parent(code): the status code refines, or 0.
func Parent(code int32) int32 { return int32(C.ak_status_parent(C.int(code))) }
