package accountkit_test

import (
	"context"
	"errors"
	"fmt"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

func Example() {
	sb, err := sandbox.Start() // the emulator; production code needs only accountkit
	if err != nil {
		panic(err)
	}
	defer sb.Close()
	c, err := sb.Client("99digital") // or accountkit.NewClient("99digital", accountkit.WithCredentials(...))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()

	acct, err := c.CreateAccount(ctx, map[string]any{
		"account_name": "Acme Inc", "agents": 10, "inboxes": 5,
		"admin_email": "owner@acme.example", "admin_name": "Ada Owner", "admin_displayName": "Ada",
		"admin_password": "Str0ng!pass", "reference": "crm4711",
	})
	if err != nil {
		panic(err)
	}
	upd, err := c.UpdateAccount(ctx, acct.ID(), map[string]any{"server": "online", "account_status": 0})
	if err != nil {
		panic(err)
	}
	fmt.Println("updated:", upd.Status())

	for item, err := range c.ListAccounts(ctx, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println("listed:", item.ID() == acct.ID())
	}

	_, err = c.DeleteAccount(ctx, "9999", map[string]any{"server": "online"})
	var ae *accountkit.Error
	if errors.Is(err, accountkit.ErrNotFound) && errors.As(err, &ae) {
		fmt.Println("delete:", ae.Category, ae.VendorCode)
	}

	// The positional id goes into the operation's id field; given twice it is refused.
	_, err = c.UpdateAccount(ctx, acct.ID(), map[string]any{"account_id": 1, "server": "online"})
	fmt.Println("twice:", errors.Is(err, accountkit.ErrInvalidArgument))
	// Output:
	// updated: suspended
	// listed: true
	// delete: not_found 33
	// twice: true
}

// Errors form the C library's hierarchy: a timeout is a transport error, an
// undecodable answer a vendor error, an unknown operation an invalid argument.
func ExampleError_Is() {
	err := accountkit.Validate("99digital", "get_account", nil) // 99digital has no get_account
	fmt.Println(errors.Is(err, accountkit.ErrUnknownOperation), errors.Is(err, accountkit.ErrInvalidArgument))
	timeout := &accountkit.Error{Kind: accountkit.KindTimeout}
	fmt.Println(timeout.Kind, errors.Is(timeout, accountkit.ErrTransport), errors.Is(accountkit.ErrTransport, accountkit.ErrTimeout))
	fmt.Println(accountkit.KindNoMemory)
	// Output:
	// true true
	// timeout true false
	// no_memory
}
