package awsapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Protocol is one of the wire protocols the Handler speaks.
type Protocol uint8

// The supported protocols.
const (
	AWSJSON10 Protocol = iota + 1 // aws.protocols#awsJson1_0 (Agreement)
	AWSJSON11                     // aws.protocols#awsJson1_1 (Metering, Entitlement)
	RPCv2CBOR                     // smithy.protocols#rpcv2Cbor (Agreement, Go SDK default)
)

// String returns the Smithy name of the protocol.
func (p Protocol) String() string {
	switch p {
	case AWSJSON10:
		return "awsJson1_0"
	case AWSJSON11:
		return "awsJson1_1"
	case RPCv2CBOR:
		return "rpcv2Cbor"
	}
	return "Protocol(" + strconv.Itoa(int(p)) + ")"
}

// ContentType returns the media type of request and response bodies in p.
func (p Protocol) ContentType() string {
	switch p {
	case AWSJSON11:
		return "application/x-amz-json-1.1"
	case RPCv2CBOR:
		return "application/cbor"
	}
	return "application/x-amz-json-1.0"
}

func (p Protocol) valid() bool { return p >= AWSJSON10 && p <= RPCv2CBOR }

// Marshal encodes an operation output in p. A nil v encodes as an empty structure. Members
// follow the json struct tags of v (the CBOR codec falls back to them); tag optional members
// omitempty (or omitzero for a Timestamp value) so that absent members are left out.
func (p Protocol) Marshal(v any) ([]byte, error) {
	if p == RPCv2CBOR {
		if v == nil {
			return []byte{0xa0}, nil // empty map
		}
		return cborEnc.Marshal(v)
	}
	if v == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(v)
}

// Unmarshal decodes a request body in p into v, a pointer to an input structure. An empty
// body is the empty structure; any other body must be a JSON object or a CBOR map. Members
// that v does not know are ignored.
func (p Protocol) Unmarshal(body []byte, v any) error {
	if p == RPCv2CBOR {
		return unmarshalCBOR(body, v)
	}
	return unmarshalJSON(body, v)
}

// MarshalError encodes the error body of ex in p: {"__type":Name,"message":Message,...Members},
// with requestId added unless empty or already a member.
func (p Protocol) MarshalError(ex *Exception, requestID string) ([]byte, error) {
	m := make(map[string]any, len(ex.Members)+3)
	for k, v := range ex.Members {
		m[k] = v
	}
	m["__type"] = ex.Name
	if ex.Message != "" {
		m["message"] = ex.Message
	}
	if _, ok := m["requestId"]; !ok && requestID != "" {
		m["requestId"] = requestID
	}
	if p == RPCv2CBOR {
		return cborEnc.Marshal(m)
	}
	return json.Marshal(m)
}

// The CBOR modes are built once: they are immutable and safe for concurrent use.
var (
	cborEnc = mustEncMode(cbor.EncOptions{
		Sort:          cbor.SortBytewiseLexical, // deterministic maps (golden files)
		Time:          cbor.TimeUnixDynamic,     // stray time.Time: tag 1 + int or float
		TimeTag:       cbor.EncTagRequired,
		OmitEmpty:     cbor.OmitEmptyGoValue, // omitempty exactly as in encoding/json
		IndefLength:   cbor.IndefLengthForbidden,
		ShortestFloat: cbor.ShortestFloatNone,
	})
	cborDec = mustDecMode(cbor.DecOptions{
		IndefLength:       cbor.IndefLengthAllowed, // the Go SDK sends indefinite maps and arrays
		TimeTag:           cbor.DecTagOptional,
		MaxNestedLevels:   32,
		MaxArrayElements:  MaxListElements, // refused before decoding them (lists.go)
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		DupMapKey:         cbor.DupMapKeyQuiet,
	})
)

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// errNotStructure is returned for a body that is neither empty nor a JSON object / CBOR map.
var errNotStructure = errors.New("request body must be a structure (JSON object or CBOR map)")

func unmarshalJSON(body []byte, v any) error {
	body = bytes.Trim(body, " \t\r\n") // JSON whitespace
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return errNotStructure
	}
	if err := checkJSONLists(body); err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

func unmarshalCBOR(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	// Tag 55799 (self-described CBOR, d9 d9 f7) may prefix any item.
	item := bytes.TrimPrefix(body, []byte{0xd9, 0xd9, 0xf7})
	if len(item) == 0 || item[0]>>5 != 5 { // major type 5: map
		return errNotStructure
	}
	return cborDec.Unmarshal(body, v)
}

// decodeErrorMessage turns a decoding error into a message fit for a client: it names the
// member and the wire type but not the Go types of the server.
func decodeErrorMessage(err error) string {
	var (
		jt *json.UnmarshalTypeError
		ct *cbor.UnmarshalTypeError
		js *json.SyntaxError
	)
	switch {
	case errors.As(err, &jt):
		if jt.Field == "" {
			return "Unexpected JSON " + jt.Value
		}
		return fmt.Sprintf("Unexpected JSON %s for member %s", jt.Value, jt.Field)
	case errors.As(err, &ct):
		if ct.StructFieldName == "" {
			return "Unexpected CBOR " + ct.CBORType
		}
		return fmt.Sprintf("Unexpected CBOR %s for member %s", ct.CBORType,
			ct.StructFieldName[strings.LastIndexByte(ct.StructFieldName, '.')+1:])
	case errors.As(err, &js):
		return fmt.Sprintf("Malformed JSON at offset %d: %s", js.Offset, js.Error())
	}
	return err.Error()
}

// Timestamp is a Smithy timestamp on the wire: epoch seconds as a JSON number (fractional
// when needed) or CBOR tag 1 around an integer or a float64. Precision is one millisecond
// on output, as in the AWS SDKs. Use *Timestamp with omitempty, or Timestamp with omitzero,
// for optional members.
type Timestamp struct{ time.Time }

// At returns a pointer to the Timestamp of t, for optional members.
func At(t time.Time) *Timestamp { return &Timestamp{t} }

// maxEpoch is 9999-12-31T23:59:59Z; timestamps beyond ±maxEpoch are rejected.
const maxEpoch = 253402300799

var (
	errTimestampType  = errors.New("timestamp must be a number of epoch seconds")
	errTimestampRange = errors.New("timestamp out of range")
)

// MarshalJSON encodes t as epoch seconds, e.g. 1735689600 or 1735689600.5.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return appendEpoch(make([]byte, 0, 16), t.Time), nil
}

func appendEpoch(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		return strconv.AppendFloat(b, float64(ms)/1e3, 'f', -1, 64)
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	if frac == 0 {
		return b
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// UnmarshalJSON decodes epoch seconds from a JSON number; null leaves t unchanged.
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	s := string(bytes.TrimSpace(data))
	if s == "null" {
		return nil
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return errTimestampType
	}
	tt, err := parseEpoch(s)
	if err != nil {
		return err
	}
	t.Time = tt
	return nil
}

// parseEpoch parses a JSON number of seconds exactly, to the nanosecond.
func parseEpoch(s string) (time.Time, error) {
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, errTimestampType
		}
		return floatTime(f)
	}
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || len(intPart) == 0 || intPart[0] == '+' {
		return time.Time{}, errTimestampType
	}
	if sec > maxEpoch || sec < -maxEpoch {
		return time.Time{}, errTimestampRange
	}
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return time.Time{}, errTimestampType
			}
			ns += int64(c - '0')
		}
	}
	for i := 9; i < len(frac); i++ { // digits beyond nanoseconds are validated and dropped
		if frac[i] < '0' || frac[i] > '9' {
			return time.Time{}, errTimestampType
		}
	}
	if neg {
		ns = -ns
	}
	return time.Unix(sec, ns).UTC(), nil
}

func floatTime(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, errTimestampType
	}
	if f > maxEpoch || f < -maxEpoch {
		return time.Time{}, errTimestampRange
	}
	sec := math.Floor(f)
	ns := math.Round((f - sec) * 1e9)
	return time.Unix(int64(sec), int64(ns)).UTC(), nil
}

// MarshalCBOR encodes t as tag 1 around an integer (whole seconds) or a float64.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	ms := t.UnixMilli()
	b := make([]byte, 0, 10)
	b = append(b, 0xc1) // tag 1
	if ms%1000 == 0 {
		return appendCBORInt(b, ms/1000), nil
	}
	b = append(b, 0xfb) // float64
	return binary.BigEndian.AppendUint64(b, math.Float64bits(float64(ms)/1e3)), nil
}

// appendCBORInt appends n as a CBOR integer (major type 0 or 1) in its shortest form.
func appendCBORInt(b []byte, n int64) []byte {
	major, arg := byte(0x00), uint64(n)
	if n < 0 {
		major, arg = 0x20, uint64(-1-n)
	}
	switch {
	case arg < 24:
		return append(b, major|byte(arg))
	case arg <= math.MaxUint8:
		return append(b, major|24, byte(arg))
	case arg <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(arg))
	case arg <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(arg))
	}
	return binary.BigEndian.AppendUint64(append(b, major|27), arg)
}

// UnmarshalCBOR decodes tag 1 around an integer or a float (half, single or double). An
// untagged number is accepted too; null and undefined leave t unchanged.
func (t *Timestamp) UnmarshalCBOR(data []byte) error {
	if len(data) == 0 {
		return errTimestampType
	}
	if data[0] == 0xf6 || data[0] == 0xf7 {
		return nil
	}
	if data[0]>>5 == 6 { // tag
		var tag cbor.RawTag
		if err := cborDec.Unmarshal(data, &tag); err != nil {
			return err
		}
		if tag.Number != 1 {
			return fmt.Errorf("timestamp must be CBOR tag 1, got tag %d", tag.Number)
		}
		data = tag.Content
		if len(data) == 0 || data[0] == 0xf6 || data[0] == 0xf7 {
			return errTimestampType
		}
	}
	switch data[0] >> 5 {
	case 0, 1:
		var sec int64
		if err := cborDec.Unmarshal(data, &sec); err != nil {
			return errTimestampRange
		}
		if sec > maxEpoch || sec < -maxEpoch {
			return errTimestampRange
		}
		t.Time = time.Unix(sec, 0).UTC()
		return nil
	case 7:
		var f float64
		if err := cborDec.Unmarshal(data, &f); err != nil {
			return errTimestampType
		}
		tt, err := floatTime(f)
		if err != nil {
			return err
		}
		t.Time = tt
		return nil
	}
	return errTimestampType
}
