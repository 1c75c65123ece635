package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import "unsafe"

// ParseWebhook reads the body of a webhook call vendor made to your server
// (the raw request body) into a Result: ID is the account (or builder) the
// event concerns, Status the event's kind ("account_created", ...), and the
// JSON the event's fields by the vendor's names (docs/vendors/99digital.md,
// "Webhooks"). It needs no client and sends nothing. A malformed body is a
// KindDecode error naming the problem (never quoting the body); a vendor
// without webhooks KindUnknownOperation.
//
// The body cannot prove who sent it: 99digital's webhook calls come from
// 34.165.99.212, and only your HTTP server, which sees the connection, can
// accept them from that address alone.
func ParseWebhook(vendor string, body []byte) (*Result, error) {
	cv, err := cString(vendor, "webhook", "vendor", vendor)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	var cb *C.char
	if len(body) > 0 {
		cb = (*C.char)(C.CBytes(body))
		defer C.free(unsafe.Pointer(cb))
	}
	var res *C.ak_result
	var cerr *C.ak_error
	if st := C.ak_webhook_parse(&res, cv, cb, C.size_t(len(body)), &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	return takeResult(vendor, res), nil
}
