package accountkit_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/internal/cstatus"
)

// sentinels is every exported Err variable of the package by name
// (TestSentinelsAreAllListed keeps it complete).
var sentinels = map[string]*accountkit.Error{
	"ErrInvalidArgument":  accountkit.ErrInvalidArgument,
	"ErrValidation":       accountkit.ErrValidation,
	"ErrAuth":             accountkit.ErrAuth,
	"ErrNotFound":         accountkit.ErrNotFound,
	"ErrRateLimited":      accountkit.ErrRateLimited,
	"ErrVendor":           accountkit.ErrVendor,
	"ErrTransport":        accountkit.ErrTransport,
	"ErrTimeout":          accountkit.ErrTimeout,
	"ErrDecode":           accountkit.ErrDecode,
	"ErrUnknownOperation": accountkit.ErrUnknownOperation,
	"ErrOutcomeUnknown":   accountkit.ErrOutcomeUnknown,
	"ErrNoMemory":         accountkit.ErrNoMemory,
	"ErrInternal":         accountkit.ErrInternal,
	"ErrOperationFailed":  accountkit.ErrOperationFailed,
	"ErrCancelled":        accountkit.ErrCancelled,
}

// sentinelNamed is the sentinel whose category is a status name, or nil.
func sentinelNamed(status string) *accountkit.Error {
	for _, s := range sentinels {
		if s.Category == status {
			return s
		}
	}
	return nil
}

// packageFiles parses the package's own (non-test) Go files.
func packageFiles(t *testing.T) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	if len(files) == 0 {
		t.Fatal("no package files found")
	}
	return files
}

func TestSentinelsAreAllListed(t *testing.T) {
	var declared []string
	for _, f := range packageFiles(t) {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					if n.IsExported() && strings.HasPrefix(n.Name, "Err") {
						declared = append(declared, n.Name)
					}
				}
			}
		}
	}
	slices.Sort(declared)
	var listed []string
	for n := range sentinels {
		listed = append(listed, n)
	}
	slices.Sort(listed)
	if !slices.Equal(declared, listed) {
		t.Errorf("exported sentinels %v, the test lists %v", declared, listed)
	}
}

// TestKindsFollowC holds names, sentinels and errors.Is against the C
// library's own table (ak_status_name, ak_status_parent) for every code.
func TestKindsFollowC(t *testing.T) {
	named := 0
	for code := int32(-2); code < 64; code++ {
		k := accountkit.Kind(code)
		name, isStatus := cstatus.Name(code)
		want := fmt.Sprintf("kind(%d)", code)
		if isStatus {
			want = name
			named++
		}
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, ak_status_name says %q", code, got, want)
		}

		var of []string
		for n, s := range sentinels {
			if s.Kind == k {
				of = append(of, n)
				if s.Category != name || s.Error() == "accountkit: " {
					t.Errorf("%s: category %q, message %q; want category %q", n, s.Category, s.Message, name)
				}
			}
		}
		if wantOne := isStatus && code != 0; wantOne && len(of) != 1 || !wantOne && len(of) != 0 {
			t.Errorf("code %d (%q): sentinels %v, want exactly one for each status but ok", code, name, of)
		}

		// errors.Is: the kind itself and every status it refines, nothing else.
		ancestors := map[accountkit.Kind]bool{}
		for c := code; isStatus && c != 0; c = cstatus.Parent(c) {
			ancestors[accountkit.Kind(c)] = true
		}
		e := &accountkit.Error{Kind: k, Category: k.String()}
		wrapped := fmt.Errorf("context: %w", e)
		for n, s := range sentinels {
			if got := errors.Is(wrapped, s); got != ancestors[s.Kind] {
				t.Errorf("errors.Is(Kind %d error, %s) = %v, want %v", code, n, got, !got)
			}
		}
	}
	if named < 15 {
		t.Errorf("only %d named statuses in 0..63", named)
	}

	// What every language says alike.
	for _, c := range []struct {
		err, target *accountkit.Error
		want        bool
	}{
		{accountkit.ErrTimeout, accountkit.ErrTransport, true},
		{accountkit.ErrDecode, accountkit.ErrVendor, true},
		{accountkit.ErrUnknownOperation, accountkit.ErrInvalidArgument, true},
		{accountkit.ErrTransport, accountkit.ErrTimeout, false},
		{accountkit.ErrVendor, accountkit.ErrDecode, false},
		{accountkit.ErrTimeout, accountkit.ErrVendor, false},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%s, %s) = %v", c.err.Category, c.target.Category, got)
		}
	}
	if got := accountkit.KindNoMemory.String(); got != "no_memory" {
		t.Errorf("KindNoMemory = %q", got)
	}
	// A number beyond a C int is no status, not a truncated one.
	if got := accountkit.Kind(1<<32 + 4).String(); got != "kind(4294967300)" {
		t.Errorf("Kind(1<<32+4) = %q", got)
	}
}

// TestMainPackageLinksNoSandbox: production programs import accountkit
// alone, so it must not link libaccountkit-sandbox or use its header.
func TestMainPackageLinksNoSandbox(t *testing.T) {
	for name := range packageFiles(t) {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"accountkit-sandbox", "accountkit/sandbox.h", "ak_sandbox_"} {
			if strings.Contains(string(text), bad) {
				t.Errorf("%s mentions %s", name, bad)
			}
		}
	}
}
