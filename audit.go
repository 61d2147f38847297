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

// Event is a notification for one party, in the transactional outbox until delivered. It
// carries what an EventBridge event carries: a source such as "aws.agreement-marketplace", a
// detail type such as "Purchase Agreement Created - Proposer", the resources it is about and
// its detail; Envelope renders it as EventBridge does.
type Event struct {
	ID int64 `json:"-"` // assigned by the database as the row is written (on PostgreSQL, not in commit order)
	// UID is the event's own identifier: the envelope's id, and the webhook-id of every
	// delivery of it.
	UID        string          `json:"id"`
	Time       time.Time       `json:"time"` // business time of the change
	AccountID  string          `json:"account"`
	Source     string          `json:"source"`
	DetailType string          `json:"detailType"`
	ResourceID string          `json:"resourceId"`
	Resources  []string        `json:"resources,omitempty"` // ARNs
	Detail     json.RawMessage `json:"detail,omitempty"`
}

// EventRegion is the region every event names: mercato is one marketplace, as AWS
// Marketplace's events all come from us-east-1.
const EventRegion = "us-east-1"

// envelope is the EventBridge event as delivered.
type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Envelope returns the event as EventBridge delivers it: version "0", its id, detail-type,
// source, the receiving account, the business time in RFC 3339 (UTC, seconds), the region,
// its resources (never null) and its detail (an empty object when it has none).
func (e Event) Envelope() ([]byte, error) {
	resources := e.Resources
	if resources == nil {
		resources = []string{}
	}
	detail := e.Detail
	if len(detail) == 0 {
		detail = json.RawMessage("{}")
	}
	return json.Marshal(envelope{Version: "0", ID: e.UID, DetailType: e.DetailType, Source: e.Source,
		Account: e.AccountID, Time: e.Time.UTC().Format(time.RFC3339), Region: EventRegion,
		Resources: resources, Detail: detail})
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
