// The account lifecycle against the embedded sandbox, as examples/c/lifecycle.c:
// create an account (first with invalid fields), rename and disable it, list
// accounts, delete it, delete it again. Exits non-zero on any unexpected
// outcome, so it doubles as a test.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

// report prints an error with every field problem.
func report(to io.Writer, what string, err error) {
	var ae *accountkit.Error
	if !errors.As(err, &ae) {
		fmt.Fprintf(to, "%-15s -> error %v\n", what, err)
		return
	}
	fmt.Fprintf(to, "%-15s -> error [%s] %s\n", what, ae.Category, ae.Message)
	for _, f := range ae.Fields {
		fmt.Fprintf(to, "%18s %s (%s): %s\n", "", f.Path, f.Rule, f.Message)
	}
}

func run() error {
	sb, err := sandbox.Start()
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer sb.Close()
	fmt.Printf("sandbox: %s (accountkit %s)\n", sb.URL("99digital"), accountkit.Version())

	c, err := sb.Client("99digital")
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Invalid input: every problem reported at once, nothing sent.
	_, err = c.CreateAccount(ctx, map[string]any{
		"account_name": "Acme", "agents": 12345, "admin_email": "not-an-email", "admin_password": "short",
	})
	if !errors.Is(err, accountkit.ErrValidation) {
		return fmt.Errorf("invalid create: want a validation error, got %v", err)
	}
	report(os.Stdout, "create_account", err)

	r, err := c.CreateAccount(ctx, map[string]any{
		"account_name": "Acme Inc", "agents": 10, "inboxes": 5,
		"admin_email": "owner@acme.example", "admin_name": "Ada Owner",
		"admin_displayName": "Ada", "admin_password": "Str0ng!pass",
		"admin_2fa": 1, "admin_2fa_value": "owner@acme.example", "reference": "crm4711",
	})
	if err != nil {
		return fmt.Errorf("create_account: %w", err)
	}
	fmt.Printf("%-15s -> %s\n", "create_account", r.JSON())
	id := r.ID()

	r, err = c.UpdateAccount(ctx, id, map[string]any{"server": "online", "account_name": "Acme Ltd", "account_status": 0})
	if err != nil {
		return fmt.Errorf("update_account: %w", err)
	}
	fmt.Printf("%-15s -> %s\n", "update_account", r.JSON())
	fmt.Printf("                   status is now %q\n", r.Status())

	n := 0
	for item, err := range c.ListAccounts(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list_accounts: %w", err)
		}
		fmt.Printf("%-15s -> %s\n", "list_accounts", item.JSON())
		n++
	}
	fmt.Printf("                   %d account(s) listed\n", n)

	del := map[string]any{"server": "online"}
	r, err = c.DeleteAccount(ctx, id, del)
	if err != nil {
		return fmt.Errorf("delete_account: %w", err)
	}
	fmt.Printf("%-15s -> %s\n", "delete_account", r.JSON())

	// Deleting again: the vendor says the account does not exist.
	_, err = c.DeleteAccount(ctx, id, del)
	if !errors.Is(err, accountkit.ErrNotFound) {
		return fmt.Errorf("second delete: want not found, got %v", err)
	}
	report(os.Stdout, "delete_account", err)
	return nil
}

func main() {
	if err := run(); err != nil {
		report(os.Stderr, "lifecycle", err)
		os.Exit(1)
	}
	fmt.Println("lifecycle complete")
}
