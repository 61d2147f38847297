package awsapi

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"mercato"
)

func TestCheckJSONLists(t *testing.T) {
	long := "[" + strings.Repeat("1,", MaxListElements) + "1]"
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"short lists", `{"a":[1,2,3],"b":{"c":[{},{}]}}`, true},
		{"exactly the limit", `{"a":[` + strings.Repeat("{},", MaxListElements-1) + `{}]}`, true},
		{"one over", `{"a":[` + strings.Repeat("{},", MaxListElements) + `{}]}`, false},
		{"nested", `{"a":[{"b":` + long + `}]}`, false},
		{"commas in an object", `{"a":1,` + strings.Repeat(`"k":1,`, 2000) + `"z":2}`, true},
		{"commas in a string", `{"a":["` + strings.Repeat(",", 5000) + `"]}`, true},
		{"an escaped quote", `{"a":["\",` + strings.Repeat(",", 5000) + `"]}`, true},
	}
	for _, tt := range tests {
		if err := checkJSONLists([]byte(tt.body)); (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestLongListsRefusedBeforeDecoding: both codecs refuse a list over MaxListElements with a
// ValidationException, the CBOR one in definite and indefinite form, as the Go SDK sends it.
func TestLongListsRefusedBeforeDecoding(t *testing.T) {
	var v struct {
		Entries []struct{ A string } `json:"entries" cbor:"entries"`
	}
	definite, err := cbor.Marshal(map[string]any{"entries": make([]map[string]any, MaxListElements+1)})
	if err != nil {
		t.Fatal(err)
	}
	var indefinite bytes.Buffer
	indefinite.Write([]byte{0xbf, 0x67})
	indefinite.WriteString("entries")
	indefinite.WriteByte(0x9f)
	indefinite.Write(bytes.Repeat([]byte{0xa0}, 300_000))
	indefinite.Write([]byte{0xff, 0xff})
	for name, err := range map[string]error{
		"JSON":            unmarshalJSON([]byte(`{"entries":[`+strings.Repeat(`{},`, 300_000)+`{}]}`), &v),
		"CBOR":            unmarshalCBOR(definite, &v),
		"CBOR indefinite": unmarshalCBOR(indefinite.Bytes(), &v),
	} {
		if long := longListError(err); mercato.ErrorCodeOf(long) != mercato.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(v.Entries) != 0 {
		t.Errorf("decoded %d entries", len(v.Entries))
	}
}
