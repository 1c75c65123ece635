package accountkit_test

import (
	"context"
	"errors"
	"fmt"

	"accountkit.dev/go/accountkit"
)

func Example() {
	sb, err := accountkit.StartSandbox()
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
	// Output:
	// updated: suspended
	// listed: true
	// delete: not_found 33
}
