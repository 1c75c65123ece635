package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"context"
	"sync"
	"time"
	"unsafe"
)

// Batch runs many operations of one client at once, driven by libcurl's multi
// interface on the goroutine that calls Next (ak_batch). Each operation gets
// what Call gives it (validation, retries, the create lookup after a lost
// answer, rate limits); outcomes come back in completion order with the
// caller's tag. A Batch belongs to one goroutine at a time (Cancel, and the
// contexts of SubmitContext, may act from any goroutine). Goroutines calling
// Call concurrently are the other way to run operations at once.
type Batch struct {
	mu     sync.Mutex // guards h against Close for Cancel, the one call from other goroutines
	h      *C.ak_batch
	client *Client
	// watched: the contexts of SubmitContext operations not yet taken by
	// Next, by tag, in submission order. Only the owning goroutine uses it.
	watched map[uint64][]watchedOp
}

// watchedOp is one SubmitContext operation's context and the stop of the
// AfterFunc that cancels its tag.
type watchedOp struct {
	ctx  context.Context
	stop func() bool
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

// SubmitWait queues a wait for id to settle under tag, with WaitFor's rules
// (after names the operation id is a result of, "" an account; timeout 0
// means 5 minutes, at most 24 hours): the batch polls it between its other
// operations, sleeping as a timer, and its Completion carries the settled
// account. A timeout out of range, or an after whose results do not settle,
// is refused here.
func (b *Batch) SubmitWait(after, id string, timeout time.Duration, tag uint64) error {
	if b.h == nil {
		return localError(KindInvalidArgument, b.client.vendor, "wait", "the batch is closed")
	}
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	cid, err := cString(b.client.vendor, "wait", "id", id)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cid))
	cafter, err := cString(b.client.vendor, "wait", "after", after)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cafter))
	var cerr *C.ak_error
	if st := C.ak_batch_submit_wait(b.h, cafter, cid, C.double(timeout.Seconds()), C.uint64_t(tag), &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// SubmitContext is Submit with a context for this one operation: when ctx
// ends, the operation is cancelled by its tag (Cancel), running or queued, and
// its Completion's Err is a *ContextError (see ContextError: ctx's error and
// the library's, ErrCancelled or, for a create or delete that may have
// landed, ErrOutcomeUnknown). A ctx already done submits nothing and returns
// ctx.Err(). Give such operations tags of their own: cancelling a tag stops
// every operation under it.
func (b *Batch) SubmitContext(ctx context.Context, operation string, fields map[string]any, tag uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.Submit(operation, fields, tag); err != nil {
		return err
	}
	if b.watched == nil {
		b.watched = map[uint64][]watchedOp{}
	}
	stop := context.AfterFunc(ctx, func() { b.Cancel(tag) })
	b.watched[tag] = append(b.watched[tag], watchedOp{ctx: ctx, stop: stop})
	return nil
}

// Cancel stops every operation submitted under tag, running or queued (and
// any submitted under tag later), as soon as it can (ak_batch_cancel): each
// still comes out of Next, its Err KindCancelled, or KindOutcomeUnknown for a
// create or delete that may have reached the vendor. Safe from any goroutine,
// while another runs Next; a closed batch ignores it.
func (b *Batch) Cancel(tag uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h != nil {
		C.ak_batch_cancel(b.h, C.uint64_t(tag))
	}
}

// settle stops watching the context of the operation of tag that just
// completed (the first submitted under tag) and makes its error a
// *ContextError when that context ended it.
func (b *Batch) settle(tag uint64, err *Error) error {
	ops := b.watched[tag]
	if len(ops) == 0 {
		if err == nil {
			return nil
		}
		return err
	}
	op := ops[0]
	if len(ops) == 1 {
		delete(b.watched, tag)
	} else {
		b.watched[tag] = ops[1:]
	}
	op.stop()
	if err == nil {
		return nil
	}
	if ce := op.ctx.Err(); ce != nil && (err.Kind == KindCancelled || err.Kind == KindOutcomeUnknown) {
		return &ContextError{Context: ce, Err: err}
	}
	return err
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
// operations stay in flight; call Next again, Cancel them, or Close; to stop
// an operation with a context, give it one in SubmitContext). An error that is not
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
			b.settle(uint64(tag), nil)
			return Completion{Tag: uint64(tag), Result: takeResult(b.client.vendor, res)}, true, nil
		case failure != nil:
			err := b.settle(uint64(tag), takeError(C.ak_error_code(failure), failure))
			return Completion{Tag: uint64(tag), Err: err}, true, nil
		}
		// Nothing taken in this slice: look at ctx and drive again.
	}
	return Completion{}, false, nil
}

// Close frees the batch; operations still in flight are abandoned (a create
// or delete among them may or may not have been applied). Idempotent.
func (b *Batch) Close() {
	for _, ops := range b.watched {
		for _, op := range ops {
			op.stop()
		}
	}
	b.watched = nil
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return
	}
	C.ak_batch_free(b.h)
	b.h = nil
	b.client.release()
}
