module accountkit.dev/go/accountkit

go 1.23
