package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Fields are a request's fields by the vendor's own names. Values may be nil
// (sent as an explicit JSON null; a key left out is not sent), bool, string,
// any integer or float type, json.Number, json.RawMessage, maps with string
// keys and slices or arrays of these (pointers are followed; a nil pointer is
// null). Anything else (structs, channels, funcs, complex numbers, []byte,
// NaN and Inf, text that is not UTF-8) is refused before any C call with a
// KindValidation *Error holding one FieldError (rule "type") per value.
type Fields = map[string]any

var (
	jsonNumberType = reflect.TypeOf(json.Number(""))
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
)

// What Go values the fields can hold, in a problem's message (Python says
// "string, number, boolean, None, dict or list").
const supportedTypes = "must be a string, number, boolean, nil, map or slice"

// goValues walks fields and collects a FieldError for every value that JSON
// cannot carry. The path is spelled out (in the core's notation,
// "contacts[0].email") only for a problem, so valid fields cost no strings.
type goValues struct {
	path     []step
	problems []FieldError
	// Maps, slices and pointers on the path being walked, once it is deep
	// (as encoding/json does): a value that contains itself would otherwise
	// recurse forever.
	onPath map[visit]bool
}

// step is a map key, or a slice index when index >= 0.
type step struct {
	key   string
	index int
}

type visit struct {
	ptr unsafe.Pointer
	typ reflect.Type
	len int
}

// Containers deeper than this are checked for cycles (encoding/json's bound).
const startDetectingCyclesAfter = 1000

func (g *goValues) problem(message string) {
	var b strings.Builder
	for _, s := range g.path {
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + s.key)
		default:
			b.WriteString(s.key)
		}
	}
	path := b.String()
	if len(g.path) == 0 {
		path = "(fields)"
	}
	g.problems = append(g.problems, FieldError{Path: path, Rule: "type", Message: message})
}

// enter marks a container as being walked; false if it already is (a cycle).
func (g *goValues) enter(v reflect.Value) (visit, bool) {
	key := visit{ptr: v.UnsafePointer(), typ: v.Type()}
	if v.Kind() == reflect.Slice {
		key.len = v.Len()
	}
	if g.onPath[key] {
		return key, false
	}
	if g.onPath == nil {
		g.onPath = map[visit]bool{}
	}
	g.onPath[key] = true
	return key, true
}

func (g *goValues) check(v reflect.Value) {
	if !v.IsValid() {
		return // nil interface: explicit null
	}
	switch v.Type() {
	case jsonNumberType:
		if _, err := strconv.ParseFloat(v.String(), 64); err != nil {
			g.problem("is a json.Number that is not a number")
		}
		return
	case rawMessageType:
		if !json.Valid(v.Bytes()) {
			g.problem("is a json.RawMessage that is not valid JSON")
		}
		return
	}
	switch v.Kind() {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return
	case reflect.Uint64, reflect.Uintptr:
		// The fields' integers are 64-bit signed, as in every front end.
		if v.Uint() > math.MaxInt64 {
			g.problem("is an integer outside the 64-bit range")
		}
		return
	case reflect.String:
		// encoding/json would silently replace the bad bytes.
		if !utf8.ValidString(v.String()) {
			g.problem("is not valid UTF-8 text")
		}
		return
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			g.problem(fmt.Sprintf("must be a finite number (got %v)", f))
		}
		return
	case reflect.Interface:
		if !v.IsNil() {
			g.check(v.Elem())
		}
		return
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			return // null
		}
		if len(g.path) > startDetectingCyclesAfter {
			key, ok := g.enter(v)
			if !ok {
				g.problem("contains itself: a cycle cannot be sent as JSON")
				return
			}
			defer delete(g.onPath, key)
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		g.check(v.Elem())
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			g.problem(fmt.Sprintf("has keys of type %s: field names are strings", v.Type().Key()))
			return
		}
		it := v.MapRange()
		for it.Next() {
			name := it.Key().String()
			if !utf8.ValidString(name) {
				g.problem("has a key that is not valid UTF-8 text")
				continue
			}
			g.path = append(g.path, step{key: name, index: -1})
			g.check(it.Value())
			g.path = g.path[:len(g.path)-1]
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			g.problem(fmt.Sprintf("%s (got %s; send text as a string)", supportedTypes, v.Type()))
			return
		}
		for i := 0; i < v.Len(); i++ {
			g.path = append(g.path, step{index: i})
			g.check(v.Index(i))
			g.path = g.path[:len(g.path)-1]
		}
	default:
		g.problem(fmt.Sprintf("%s (got %s)", supportedTypes, v.Type()))
	}
}

// goValueError is the validation error for values Go cannot send, worded as
// the core words its own validation errors.
func goValueError(vendor, operation string, problems []FieldError) *Error {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.Path + " " + p.Message
	}
	noun := "invalid fields"
	if len(problems) == 1 {
		noun = "invalid field"
	}
	msg := fmt.Sprintf("%s %s: %d %s: %s", vendor, operation, len(problems), noun, strings.Join(parts, "; "))
	e := localError(KindValidation, vendor, operation, msg)
	e.Fields = problems
	return e
}

// newCFields converts fields to a C field set (nil map: NULL, no fields).
// The caller frees the result with C.ak_fields_free.
func newCFields(vendor, operation string, fields map[string]any) (*C.ak_fields, error) {
	if fields == nil {
		return nil, nil
	}
	data, err := encodeJSON(vendor, operation, "fields", fields)
	if err != nil {
		return nil, err
	}
	cs := C.CBytes(data)
	defer C.free(cs)
	var f *C.ak_fields
	var cerr *C.ak_error
	if st := C.ak_fields_from_json(&f, (*C.char)(cs), C.size_t(len(data)), &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	return f, nil
}

// encodeJSON checks that v holds only values JSON can carry (the rules of
// the fields: a KindValidation error naming each problem) and encodes it;
// what names v in the error when encoding fails.
func encodeJSON(vendor, operation, what string, v any) ([]byte, error) {
	var g goValues
	g.check(reflect.ValueOf(v))
	if len(g.problems) > 0 {
		return nil, goValueError(vendor, operation, g.problems)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // a MarshalJSON of the caller's failed
		return nil, localError(KindInvalidArgument, vendor, operation, "the "+what+" cannot be encoded as JSON: "+err.Error())
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// newCFieldsWithID converts fields and binds the positional account id to
// the operation's id field: the C library owns that rule (ak_fields_set_id).
func newCFieldsWithID(vendor, operation, id string, fields map[string]any) (*C.ak_fields, error) {
	f, err := newCFields(vendor, operation, fields)
	if err != nil {
		return nil, err
	}
	var cerr *C.ak_error
	if f == nil {
		if st := C.ak_fields_new(&f, &cerr); st != C.AK_OK {
			return nil, takeError(st, cerr)
		}
	}
	cv, err := cString(vendor, operation, "vendor", vendor)
	if err != nil {
		C.ak_fields_free(f)
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	cop, err := cString(vendor, operation, "operation", operation)
	if err != nil {
		C.ak_fields_free(f)
		return nil, err
	}
	defer C.free(unsafe.Pointer(cop))
	cid, err := cString(vendor, operation, "account id", id)
	if err != nil {
		C.ak_fields_free(f)
		return nil, err
	}
	defer C.free(unsafe.Pointer(cid))
	if st := C.ak_fields_set_id(f, cv, cop, cid, &cerr); st != C.AK_OK {
		C.ak_fields_free(f)
		return nil, takeError(st, cerr)
	}
	return f, nil
}

// cString copies s for C. A NUL byte would end the C string early and the
// library would see a different text, so such a string is refused.
func cString(vendor, operation, what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, localError(KindInvalidArgument, vendor, operation,
			fmt.Sprintf("the %s contains a NUL byte, which cannot cross the C API", what))
	}
	return C.CString(s), nil
}
