package mercato

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Reasons of metering errors. The Metering API has no ValidationException reasons of its own:
// each names the exception a transport answers with (InvalidProductCodeException ...).
const (
	ReasonInvalidProductCode        = "INVALID_PRODUCT_CODE"
	ReasonInvalidUsageDimension     = "INVALID_USAGE_DIMENSION"
	ReasonInvalidUsageAllocations   = "INVALID_USAGE_ALLOCATIONS"
	ReasonInvalidTag                = "INVALID_TAG"
	ReasonInvalidCustomerIdentifier = "INVALID_CUSTOMER_IDENTIFIER"
	ReasonInvalidLicense            = "INVALID_LICENSE"
	ReasonTimestampOutOfBounds      = "TIMESTAMP_OUT_OF_BOUNDS"
	ReasonCustomerNotEntitled       = "CUSTOMER_NOT_ENTITLED"
	ReasonDuplicateRequest          = "DUPLICATE_REQUEST"
	ReasonInvalidToken              = "INVALID_TOKEN"
	ReasonExpiredToken              = "EXPIRED_TOKEN"
	ReasonInvalidPublicKeyVersion   = "INVALID_PUBLIC_KEY_VERSION"
	ReasonDryRun                    = "DRY_RUN"
)

// UsageAllocation is the part of a usage record's quantity that belongs to one set of tags (a
// team, a project ...), as the buyer sees it in their cost reports. No tags is a set too.
type UsageAllocation struct {
	Quantity int64 `json:"quantity"`
	Tags     []Tag `json:"tags,omitempty"`
}

// Tag is a key and value of a usage allocation.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// MaxUsageAllocations bounds the allocations of one record, and MaxAllocationTags the tags of
// one allocation (the Metering model's limits).
const (
	MaxUsageAllocations = 2500
	MaxAllocationTags   = 5
)

// tagPattern is the Metering model's pattern of tag keys and values (" -=" is the range from
// space to '=').
var tagPattern = regexp.MustCompile(`^[a-zA-Z0-9+ -=._:\/@]+$`)

// ValidateAllocations checks usage allocations against the record's quantity: every allocation
// has 1-5 valid tags or none, no two allocations have the same tag set, and the quantities sum
// to the record's. It returns EInvalid with reason ReasonInvalidTag or
// ReasonInvalidUsageAllocations. No allocations at all is valid.
func ValidateAllocations(quantity int64, allocs []UsageAllocation) error {
	if len(allocs) == 0 {
		return nil
	}
	if len(allocs) > MaxUsageAllocations {
		return Errorf(EInvalid, "a record has at most %d usage allocations, not %d", MaxUsageAllocations, len(allocs)).
			WithReason(ReasonInvalidUsageAllocations)
	}
	var sum int64
	seen := make(map[string]bool, len(allocs))
	for i, a := range allocs {
		if err := validateTags(a.Tags); err != nil {
			return err
		}
		if a.Quantity < 0 {
			return Errorf(EInvalid, "allocation %d has a negative quantity", i).WithReason(ReasonInvalidUsageAllocations)
		}
		set := tagSet(a.Tags)
		if seen[set] {
			return Errorf(EInvalid, "two allocations have the tag set {%s}; each needs its own", set).
				WithReason(ReasonInvalidUsageAllocations)
		}
		seen[set] = true
		sum += a.Quantity
	}
	if sum != quantity {
		return Errorf(EInvalid, "the allocated quantities sum to %d, not to the usage quantity %d", sum, quantity).
			WithReason(ReasonInvalidUsageAllocations)
	}
	return nil
}

func validateTags(tags []Tag) error {
	if len(tags) > MaxAllocationTags {
		return Errorf(EInvalid, "an allocation has at most %d tags, not %d", MaxAllocationTags, len(tags)).WithReason(ReasonInvalidTag)
	}
	keys := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case len(t.Key) < 1 || len(t.Key) > 100 || !tagPattern.MatchString(t.Key):
			return Errorf(EInvalid, "tag key %q must be 1-100 characters of %s", t.Key, tagPattern).WithReason(ReasonInvalidTag)
		case len(t.Value) < 1 || len(t.Value) > 256 || !tagPattern.MatchString(t.Value):
			return Errorf(EInvalid, "tag value %q must be 1-256 characters of %s", t.Value, tagPattern).WithReason(ReasonInvalidTag)
		case keys[t.Key]:
			return Errorf(EInvalid, "tag key %q is given twice in one allocation", t.Key).WithReason(ReasonInvalidTag)
		}
		keys[t.Key] = true
	}
	return nil
}

// tagSet returns a canonical form of a set of tags, whatever their order.
func tagSet(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.Key + "\x00" + t.Value
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// MeteringRecordID returns the ID of the usage record: a digest of its key (agreement,
// dimension, hour) shaped as a UUID, so that a replay of a record gets the ID it got the first
// time without the ID being stored.
func (r *UsageRecord) MeteringRecordID() string {
	h := sha256.New()
	h.Write([]byte(r.AgreementID))
	h.Write([]byte{0})
	h.Write([]byte(r.Dimension))
	var hour [8]byte
	binary.BigEndian.PutUint64(hour[:], uint64(r.Hour.UTC().Truncate(time.Hour).Unix()))
	h.Write(hour[:])
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x80 // version 8: custom
	sum[8] = sum[8]&0x3f | 0x80
	s := hex.EncodeToString(sum[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// UsageKey is what makes a usage record unique.
type UsageKey struct {
	AgreementID string
	Dimension   string
	Hour        int64 // Unix seconds of the hour
}

// Key returns the record's key.
func (r *UsageRecord) Key() UsageKey {
	return UsageKey{r.AgreementID, r.Dimension, r.Hour.UTC().Truncate(time.Hour).Unix()}
}

// AgreementSpan is what metering reads of a customer's agreement to choose the one a record
// bills: whose it is, when it runs, and its version (UpdatedAt), which changes whenever the
// agreement does, so that its terms can be read once per version.
type AgreementSpan struct {
	ID         string
	AcceptorID string
	Status     AgreementStatus
	StartTime  time.Time
	EndTime    time.Time // zero: no end
	UpdatedAt  time.Time
}

// Span returns the agreement's span.
func (a *Agreement) Span() AgreementSpan {
	return AgreementSpan{ID: a.ID, AcceptorID: a.AcceptorID, Status: a.Status, StartTime: a.StartTime,
		EndTime: a.EndTime, UpdatedAt: a.UpdatedAt}
}

// ActiveAt reports whether the agreement ran at time t.
func (s *AgreementSpan) ActiveAt(t time.Time) bool {
	return !t.Before(s.StartTime) && (s.EndTime.IsZero() || t.Before(s.EndTime))
}
