package accountkit_test

// Contexts that really stop a call (issue 16): each call carries an
// ak_cancel token triggered when ctx ends and ctx's deadline as its
// timeout_s, so the C call stops within milliseconds instead of running on
// in the background. Against sandbox delays over real HTTP; "promptly" is a
// 3 s delay ending well within 2 s, not timed to the millisecond.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"accountkit.dev/go/accountkit"
)

const digitalListFault = `{"vendor":"99digital","path":"/api/online/getAccounts","kind":"delay","delay_ms":3000,"count":1}`

// warmDigital is a 99digital client whose token is already fetched, so the
// slow exchange is the one under test.
func warmDigital(t *testing.T) (*accountkit.Client, func(string)) {
	t.Helper()
	sb := startSandbox(t, nil)
	c := client(t, sb, "99digital", accountkit.WithOption("retry_base_ms", "1"), accountkit.WithOption("retry_max_ms", "5"))
	if _, err := c.Call(context.Background(), "list_accounts", nil); err != nil {
		t.Fatalf("warm-up list: %v", err)
	}
	return c, func(spec string) {
		t.Helper()
		if err := sb.AddFaults(spec); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCancelStopsAReadInFlight(t *testing.T) {
	c, fault := warmDigital(t)
	fault(digitalListFault)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Call(ctx, "list_accounts", nil)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v: the 3 s exchange was not stopped", d)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, accountkit.ErrCancelled) {
		t.Fatalf("want context.Canceled and ErrCancelled, got %v", err)
	}
	if errors.Is(err, accountkit.ErrOutcomeUnknown) {
		t.Errorf("a read reported an unknown outcome: %v", err)
	}
	var ce *accountkit.ContextError
	var ae *accountkit.Error
	if !errors.As(err, &ce) || !errors.As(err, &ae) || ae.Kind != accountkit.KindCancelled {
		t.Errorf("errors.As: %#v", err)
	}
	if _, err := c.Call(context.Background(), "list_accounts", nil); err != nil {
		t.Errorf("the client is not usable after a cancelled call: %v", err)
	}
}

func TestCancelACreateInFlightIsOutcomeUnknown(t *testing.T) {
	c, fault := warmDigital(t)
	fault(`{"vendor":"99digital","path":"/api/online/createAccount","kind":"delay","delay_ms":3000,"count":1}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CreateAccount(ctx, digitalCreate("c@cancel.example", "gocancel1"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, accountkit.ErrOutcomeUnknown) {
		t.Fatalf("want context.Canceled and ErrOutcomeUnknown, got %v", err)
	}
	if errors.Is(err, accountkit.ErrCancelled) {
		t.Errorf("a create that may have landed reads as cancelled (nothing applied): %v", err)
	}
}

// A create that landed but whose answer was lost, cancelled while the
// client looks it up: outcome-unknown, and never sent again.
func TestCancelALostCreateDuringItsLookupIsOutcomeUnknown(t *testing.T) {
	c, fault := warmDigital(t)
	fault(`{"vendor":"99digital","path":"/api/online/createAccount","kind":"drop_after_commit","count":1}`)
	fault(digitalListFault)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CreateAccount(ctx, digitalCreate("d@cancel.example", "godropped1"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v: the 3 s lookup was not stopped", d)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, accountkit.ErrOutcomeUnknown) {
		t.Fatalf("want context.Canceled and ErrOutcomeUnknown, got %v", err)
	}
	list, err := c.Call(context.Background(), "list_accounts", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(list.JSON(), `"godropped1"`); n != 1 {
		t.Errorf("the create landed %d times, want once: %s", n, list.JSON())
	}
}

func TestDeadlineEndsASlowRead(t *testing.T) {
	c, fault := warmDigital(t)
	fault(digitalListFault)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Call(ctx, "list_accounts", nil)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	var ae *accountkit.Error
	if !errors.As(err, &ae) {
		t.Errorf("the library's error is lost: %#v", err)
	}
	if _, err := c.Call(context.Background(), "list_accounts", nil); err != nil {
		t.Errorf("the client is not usable after a deadline: %v", err)
	}
}

func TestCancelAListMidWalk(t *testing.T) {
	sb := startSandbox(t, nil)
	c := client(t, sb, "activeplatform")
	for i := 0; i < 5; i++ {
		if _, err := c.CreateAccount(context.Background(), apCreate(fmt.Sprintf("walk%d@example.com", i))); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb.ClearJournal()
	seen := 0
	var last error
	var start time.Time
	for item, err := range c.ListAccounts(ctx, map[string]any{"per_page": 2}) {
		if err != nil {
			last = err
			continue // the walk yields its error last
		}
		if item == nil {
			t.Fatal("nil item without an error")
		}
		if seen++; seen == 1 {
			// The first page is in; make the next one slow and cancel it
			// while it is in flight.
			j, err := sb.Journal()
			if err != nil || len(j) == 0 {
				t.Fatalf("journal: %v %v", j, err)
			}
			fault := fmt.Sprintf(`{"vendor":"activeplatform","path":%q,"kind":"delay","delay_ms":3000,"count":1}`, j[len(j)-1].Path)
			if err := sb.AddFaults(fault); err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			time.AfterFunc(100*time.Millisecond, cancel)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the walk ended %v after the slow page began", d)
	}
	if seen != 2 {
		t.Errorf("walked %d items before the cancel, want the first page's 2", seen)
	}
	if !errors.Is(last, context.Canceled) || !errors.Is(last, accountkit.ErrCancelled) {
		t.Errorf("want context.Canceled and ErrCancelled, got %v", last)
	}
	// Ended between pages: nothing more is sent.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	sb.ClearJournal()
	n := 0
	for _, err := range c.ListAccounts(ctx2, map[string]any{"per_page": 2}) {
		if err != nil {
			last = err
			continue
		}
		if n++; n == 2 {
			cancel2()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("between pages: %v", last)
	}
	if j, _ := sb.Journal(); len(j) != 1 {
		t.Errorf("a walk cancelled between pages made %d requests, want 1", len(j))
	}
}

func TestBatchOperationContextAndCancelByTag(t *testing.T) {
	c, fault := warmDigital(t)
	fault(digitalListFault)
	b, err := c.NewBatch(1)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.SubmitContext(ctx, "list_accounts", nil, 1); err != nil { // the slow one, running
		t.Fatal(err)
	}
	for _, tag := range []uint64{2, 3} {
		if err := b.Submit("list_accounts", nil, tag); err != nil {
			t.Fatal(err)
		}
	}
	b.Cancel(2) // queued behind the slow one
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	got := map[uint64]error{}
	for {
		done, ok, err := b.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		got[done.Tag] = done.Err
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the batch took %v", d)
	}
	if err := got[1]; !errors.Is(err, context.Canceled) || !errors.Is(err, accountkit.ErrCancelled) {
		t.Errorf("tag 1 (its context cancelled): %v", err)
	}
	if err := got[2]; !errors.Is(err, accountkit.ErrCancelled) || errors.Is(err, context.Canceled) {
		t.Errorf("tag 2 (Cancel): %v", err)
	}
	if err := got[3]; err != nil {
		t.Errorf("tag 3: %v", err)
	}
	cdone, stop := context.WithCancel(context.Background())
	stop()
	if err := b.SubmitContext(cdone, "list_accounts", nil, 4); !errors.Is(err, context.Canceled) || b.Pending() != 0 {
		t.Errorf("a done context submitted: %v, %d pending", err, b.Pending())
	}
}

func TestCancelAWaitBetweenPolls(t *testing.T) {
	sb := startSandbox(t, map[string]string{"commvault.update_delay_ms": "10000"})
	c := client(t, sb, "commvault", accountkit.WithOption("poll_initial_ms", "20"), accountkit.WithOption("poll_max_ms", "100"))
	u, err := c.UpdateAccount(context.Background(), acmeID, map[string]any{"externalId": "XSP1234", "name": "Acme Waiting", "contacts": []any{}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(150*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Wait(ctx, u.ID(), time.Minute)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the wait ended after %v", d)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, accountkit.ErrCancelled) {
		t.Errorf("want context.Canceled and ErrCancelled, got %v", err)
	}
	// A deadline sooner than the wait's timeout ends it as the deadline.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err = c.Wait(ctx2, u.ID(), time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want context.DeadlineExceeded, got %v", err)
	}
}
