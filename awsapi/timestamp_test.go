package awsapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"mercato/awsapi"
)

func TestTimestampJSON(t *testing.T) {
	ok := []struct {
		in   string
		want time.Time
	}{
		{`1735689600`, time.Unix(1735689600, 0)},
		{`1735689600.5`, time.Unix(1735689600, 500e6)},
		{`1735689600.123`, time.Unix(1735689600, 123e6)}, // exact, no float rounding
		{`1735689600.123456789123`, time.Unix(1735689600, 123456789)},
		{`1.7356896e9`, time.Unix(1735689600, 0)},
		{`-1.5`, time.Unix(-2, 500e6)},
		{`0`, time.Unix(0, 0)},
	}
	for _, tt := range ok {
		var ts awsapi.Timestamp
		if err := json.Unmarshal([]byte(tt.in), &ts); err != nil || !ts.Equal(tt.want) {
			t.Errorf("%s: got %v %v, want %v", tt.in, ts.Time, err, tt.want)
		}
	}
	for _, in := range []string{`"2025-01-01T00:00:00Z"`, `true`, `{}`, `[]`, `1e300`, `-99999999999999`, `253402300800`} {
		var ts awsapi.Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err == nil {
			t.Errorf("%s: accepted as %v", in, ts.Time)
		}
	}
	var p *awsapi.Timestamp
	if err := json.Unmarshal([]byte(`null`), &p); err != nil || p != nil {
		t.Errorf("null: %v %v", p, err)
	}

	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1735689600, 0), "1735689600"},
		{time.Unix(1735689600, 500e6), "1735689600.5"},
		{time.Unix(1735689600, 10e6), "1735689600.01"},
		{time.Unix(1735689600, 999999999), "1735689600.999"}, // millisecond precision
		{time.Unix(-2, 500e6), "-1.5"},
	} {
		b, err := json.Marshal(awsapi.Timestamp{Time: tt.t})
		if err != nil || string(b) != tt.want {
			t.Errorf("%v: got %s %v, want %s", tt.t, b, err, tt.want)
		}
	}
}

func TestTimestampCBOR(t *testing.T) {
	ok := []struct {
		name string
		in   []byte
		want time.Time
	}{
		{"tag1 uint", []byte{0xc1, 0x1a, 0x67, 0x74, 0x85, 0x80}, time.Unix(1735689600, 0)},
		{"tag1 negative", []byte{0xc1, 0x20}, time.Unix(-1, 0)},
		{"tag1 float64", append([]byte{0xc1}, mustCBOR(t, 1735689600.5)...), time.Unix(1735689600, 500e6)},
		{"tag1 float32", []byte{0xc1, 0xfa, 0x4e, 0xce, 0xe9, 0x0b}, time.Unix(1735689600, 0)},
		{"tag1 float16", []byte{0xc1, 0xf9, 0x3c, 0x00}, time.Unix(1, 0)},
		{"long-form tag", []byte{0xd8, 0x01, 0x18, 0x64}, time.Unix(100, 0)},
		{"untagged", []byte{0x18, 0x64}, time.Unix(100, 0)},
	}
	for _, tt := range ok {
		var ts awsapi.Timestamp
		if err := cbor.Unmarshal(tt.in, &ts); err != nil || !ts.Equal(tt.want) {
			t.Errorf("%s: got %v %v, want %v", tt.name, ts.Time, err, tt.want)
		}
	}
	bad := map[string][]byte{
		"tag0 string":  append([]byte{0xc0}, mustCBOR(t, "2025-01-01T00:00:00Z")...),
		"text":         mustCBOR(t, "1735689600"),
		"tag1 text":    append([]byte{0xc1}, mustCBOR(t, "x")...),
		"tag1 null":    {0xc1, 0xf6},
		"NaN":          {0xc1, 0xf9, 0x7e, 0x00},
		"too large":    {0xc1, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"far future":   {0xc1, 0x1b, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x00, 0x00, 0x00},
		"truncated":    {0xc1, 0x1a, 0x67},
		"tag1 boolean": {0xc1, 0xf5},
	}
	for name, in := range bad {
		var ts awsapi.Timestamp
		if err := cbor.Unmarshal(in, &ts); err == nil {
			t.Errorf("%s: accepted as %v", name, ts.Time)
		}
	}

	for _, tt := range []struct {
		t    time.Time
		want []byte
	}{
		{time.Unix(1735689600, 0), []byte{0xc1, 0x1a, 0x67, 0x74, 0x85, 0x80}},
		{time.Unix(-1, 0), []byte{0xc1, 0x20}},
		{time.Unix(1735689600, 500e6), append([]byte{0xc1}, mustCBOR(t, 1735689600.5)...)},
	} {
		b, err := awsapi.Timestamp{Time: tt.t}.MarshalCBOR()
		if err != nil || string(b) != string(tt.want) {
			t.Errorf("%v: got %x %v, want %x", tt.t, b, err, tt.want)
		}
	}
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	em, err := cbor.EncOptions{ShortestFloat: cbor.ShortestFloatNone}.EncMode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := em.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
