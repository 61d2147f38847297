package mercato

import (
	"encoding/json"
	"time"
)

// AuditRecord says who changed what, when and why. Every state change writes one in the same
// transaction as the change.
type AuditRecord struct {
	ID           int64           `json:"id"`
	Time         time.Time       `json:"time"`     // business time
	WallTime     time.Time       `json:"wallTime"` // when it really happened
	Actor        string          `json:"actor"`    // account ID, "system" or "scenario"
	Action       string          `json:"action"`
	ResourceType string          `json:"resourceType"`
	ResourceID   string          `json:"resourceId"`
	ClientToken  string          `json:"clientToken,omitempty"`
	Details      json.RawMessage `json:"details,omitempty"`
}

// Event is a notification for one party, in the transactional outbox until delivered. Names
// follow the marketplace's EventBridge detail types, e.g. "Purchase Agreement Created - Proposer".
type Event struct {
	ID         int64           `json:"id"`
	Time       time.Time       `json:"time"`
	AccountID  string          `json:"account"`
	DetailType string          `json:"detailType"`
	ResourceID string          `json:"resourceId"`
	Detail     json.RawMessage `json:"detail,omitempty"`
}

// IdempotencyRecord remembers the result of a request made with a client token, scoped to the
// calling account and operation.
type IdempotencyRecord struct {
	Caller      string
	Operation   string
	Token       string
	RequestHash string
	Response    json.RawMessage
	CreatedAt   time.Time
}
