package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unsafe"
)

// Fields are a request's fields by the vendor's own names. Values may be nil
// (sent as an explicit JSON null; a key left out is not sent), bool, string,
// any integer or float type, json.Number, json.RawMessage, maps with string
// keys and slices or arrays of these (pointers are followed; a nil pointer is
// null). Other types (structs, channels, funcs, complex numbers, []byte) are
// refused with an error naming the field.
type Fields = map[string]any

var (
	jsonNumberType = reflect.TypeOf(json.Number(""))
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
)

// checkValue walks v and reports the first value that cannot be sent.
func checkValue(path string, v reflect.Value) error {
	if !v.IsValid() {
		return nil // nil interface: explicit null
	}
	switch v.Type() {
	case jsonNumberType:
		if _, err := strconv.ParseFloat(v.String(), 64); err != nil {
			return fmt.Errorf("field %q: %q is not a valid json.Number", path, v.String())
		}
		return nil
	case rawMessageType:
		if !json.Valid(v.Bytes()) {
			return fmt.Errorf("field %q: json.RawMessage is not valid JSON", path)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("field %q: %v cannot be sent as JSON", path, f)
		}
		return nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return checkValue(path, v.Elem())
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("field %q: unsupported Go type %s (map keys must be strings)", path, v.Type())
		}
		iter := v.MapRange()
		for iter.Next() {
			sub := iter.Key().String()
			if path != "" {
				sub = path + "." + sub
			}
			if err := checkValue(sub, iter.Value()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return fmt.Errorf("field %q: unsupported Go type %s (use a string)", path, v.Type())
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkValue(fmt.Sprintf("%s[%d]", path, i), v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("field %q: unsupported Go type %s", path, v.Type())
}

// newCFields converts fields to a C field set (nil map: NULL, no fields).
// The caller frees the result with C.ak_fields_free.
func newCFields(vendor, operation string, fields map[string]any) (*C.ak_fields, error) {
	if fields == nil {
		return nil, nil
	}
	if err := checkValue("", reflect.ValueOf(fields)); err != nil {
		return nil, localError(KindInvalidArgument, vendor, operation, err.Error())
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, localError(KindInvalidArgument, vendor, operation, "fields cannot be encoded: "+err.Error())
	}
	cs := C.CString(string(data))
	defer C.free(unsafe.Pointer(cs))
	var f *C.ak_fields
	var cerr *C.ak_error
	if st := C.ak_fields_from_json(&f, cs, C.size_t(len(data)), &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	return f, nil
}
