package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"context"
	"time"
	"unsafe"
)

// Batch runs many operations of one client at once, driven by libcurl's multi
// interface on the goroutine that calls Next (ak_batch). Each operation gets
// what Call gives it (validation, retries, the create lookup after a lost
// answer, rate limits); outcomes come back in completion order with the
// caller's tag. A Batch belongs to one goroutine at a time. Goroutines calling
// Call concurrently are the other way to run operations at once.
type Batch struct {
	h      *C.ak_batch
	client *Client
}

// Completion is one finished batch operation: its tag and its outcome.
type Completion struct {
	Tag    uint64
	Result *Result // set on success
	Err    error   // set on failure
}

// NewBatch starts a batch running at most maxInFlight exchanges at once (the
// C library's range, 1 to 1024 today; outside it KindInvalidArgument). The
// client stays open until the batch is closed.
func (c *Client) NewBatch(maxInFlight int) (*Batch, error) {
	h, err := c.acquire("")
	if err != nil {
		return nil, err
	}
	// A size_t cannot hold a negative count; 0 is refused by the same rule.
	n := C.size_t(max(maxInFlight, 0))
	var b *C.ak_batch
	var cerr *C.ak_error
	if st := C.ak_batch_new(&b, h, n, &cerr); st != C.AK_OK {
		c.release()
		return nil, takeError(st, cerr)
	}
	return &Batch{h: b, client: c}, nil
}

// Submit queues an operation with fields under tag. It fails at once only for
// an unknown operation, unusable client options or fields Go cannot express;
// invalid fields and every other failure are that operation's Completion.
func (b *Batch) Submit(operation string, fields map[string]any, tag uint64) error {
	if b.h == nil {
		return localError(KindInvalidArgument, b.client.vendor, operation, "the batch is closed")
	}
	f, err := newCFields(b.client.vendor, operation, fields)
	if err != nil {
		return err
	}
	defer C.ak_fields_free(f)
	cop, err := cString(b.client.vendor, operation, "operation", operation)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cop))
	var cerr *C.ak_error
	if st := C.ak_batch_submit(b.h, cop, f, C.uint64_t(tag), &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// Pending is the number of operations submitted and not yet taken by Next.
func (b *Batch) Pending() int {
	if b.h == nil {
		return 0
	}
	return int(C.ak_batch_pending(b.h))
}

// Next drives the transfers until an operation finishes and returns it; ok is
// false when nothing is pending. When ctx ends first it returns ctx.Err() (the
// operations stay in flight; call Next again or Close). An error that is not
// ctx's is the batch itself failing (out of memory, libcurl): the operations
// in flight are lost with it.
func (b *Batch) Next(ctx context.Context) (c Completion, ok bool, err error) {
	for b.Pending() > 0 {
		if err := ctx.Err(); err != nil {
			return Completion{}, false, err
		}
		slice := 100 * time.Millisecond // ctx is checked between slices
		if d, has := ctx.Deadline(); has && time.Until(d) < slice {
			slice = max(time.Until(d), time.Millisecond)
		}
		var tag C.uint64_t
		var res *C.ak_result
		var failure, cerr *C.ak_error
		if st := C.ak_batch_next(&tag, &res, &failure, b.h, C.int(slice.Milliseconds()), &cerr); st != C.AK_OK {
			return Completion{}, false, takeError(st, cerr)
		}
		switch {
		case res != nil:
			return Completion{Tag: uint64(tag), Result: takeResult(res)}, true, nil
		case failure != nil:
			return Completion{Tag: uint64(tag), Err: takeError(C.ak_error_code(failure), failure)}, true, nil
		}
		// Nothing taken in this slice: look at ctx and drive again.
	}
	return Completion{}, false, nil
}

// Close frees the batch; operations still in flight are abandoned (a create
// or delete among them may or may not have been applied). Idempotent.
func (b *Batch) Close() {
	if b.h == nil {
		return
	}
	C.ak_batch_free(b.h)
	b.h = nil
	b.client.release()
}
