package mercato

import (
	"encoding/json"
	"time"
)

// SaaS products listed before EventBridge told their sellers of subscriptions through two SNS
// topics per product (Seller Guide, "SaaS product notifications"). mercato keeps them as events
// of their own source and kinds, each detail the SNS notification that topic would deliver; a
// destination receives them only where it names them (see EventKind.OptIn). They cannot tell
// concurrent agreements apart (no LicenseArn): EventBridge's events are the ones to use.

// Legacy SNS actions of the subscription topic, and of the entitlement topic.
const (
	SNSSubscribeSuccess    = "subscribe-success"
	SNSSubscribeFail       = "subscribe-fail"
	SNSUnsubscribePending  = "unsubscribe-pending"
	SNSUnsubscribeSuccess  = "unsubscribe-success"
	SNSEntitlementUpdated  = "entitlement-updated"
	snsSubscriptionTopic   = "aws-mp-subscription-notification-"
	snsEntitlementTopic    = "aws-mp-entitlement-notification-"
	snsTopicAccount        = "287250355862" // the account AWS Marketplace's SNS topics live in
	snsNotificationType    = "Notification"
	snsFreeTrialPresent    = "true"
	snsFreeTrialNotPresent = "false"
)

// SNSNotification is the detail of a legacy SNS event: the notification SNS delivers, with the
// message as a JSON string.
type SNSNotification struct {
	Type      string `json:"Type"`
	MessageID string `json:"MessageId"`
	TopicARN  string `json:"TopicArn"`
	Message   string `json:"Message"`
	Timestamp string `json:"Timestamp"`
}

// setRequestID names the notification: SNS has no requestId, and its MessageId plays the part.
func (n *SNSNotification) setRequestID(id string) { n.MessageID = id }

// SNSMessage is what a legacy topic's notification says.
type SNSMessage struct {
	Action             string `json:"action"`
	CustomerIdentifier string `json:"customer-identifier"`
	ProductCode        string `json:"product-code"`
	OfferIdentifier    string `json:"offer-identifier,omitempty"`
	FreeTrial          string `json:"isFreeTrialTermPresent,omitempty"`
}

// SNSTopicARN is the ARN of one of a product's legacy topics.
func SNSTopicARN(topicPrefix, productCode string) string {
	return "arn:aws:sns:" + EventRegion + ":" + snsTopicAccount + ":" + topicPrefix + productCode
}

// LegacySubscription tells the maker of a SaaS product, at time at, of a change of a buyer's
// subscription (action: SNSSubscribeSuccess, SNSUnsubscribePending, SNSUnsubscribeSuccess ...)
// under agreement a; customer is the buyer's customer identifier for the product.
func LegacySubscription(action string, a *Agreement, p Parties, productCode, customer string, at time.Time) Notice {
	trial := snsFreeTrialNotPresent
	if a.Terms.FreeTrial() != nil {
		trial = snsFreeTrialPresent
	}
	return legacyNotice(EventLegacySubscription, snsSubscriptionTopic, a, p, productCode, at,
		SNSMessage{Action: action, CustomerIdentifier: customer, ProductCode: productCode, OfferIdentifier: a.OfferID, FreeTrial: trial})
}

// LegacyEntitlement tells the maker of a SaaS product, at time at, that a buyer's entitlements
// changed under agreement a: the seller then calls GetEntitlements.
func LegacyEntitlement(a *Agreement, p Parties, productCode, customer string, at time.Time) Notice {
	return legacyNotice(EventLegacyEntitlement, snsEntitlementTopic, a, p, productCode, at,
		SNSMessage{Action: SNSEntitlementUpdated, CustomerIdentifier: customer, ProductCode: productCode})
}

func legacyNotice(k EventKind, topic string, a *Agreement, p Parties, productCode string, at time.Time, m SNSMessage) Notice {
	// A message of strings always marshals.
	msg, _ := json.Marshal(m)
	arn := SNSTopicARN(topic, productCode)
	d := &SNSNotification{Type: snsNotificationType, TopicARN: arn, Message: string(msg), Timestamp: EventTime(at)}
	return Notice{Kind: k, Time: at, ResourceID: a.ID, Resources: []string{arn},
		Copies: []EventCopy{{Account: p.Maker(), Detail: d}}}
}
