module accountkit.dev/go/examples/lifecycle

go 1.23

require accountkit.dev/go/accountkit v0.0.0

replace accountkit.dev/go/accountkit => ../../bindings/go
