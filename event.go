package mercato

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventSource is where an event comes from: EventBridge's source field. AWS's sources carry
// only the events AWS Marketplace itself emits, in its shapes; what mercato adds has its own.
type EventSource string

// Event sources.
const (
	SourceAgreement          EventSource = "aws.agreement-marketplace"
	SourceMarketplace        EventSource = "aws.marketplace"
	SourceCatalog            EventSource = "aws.marketplacecatalog"
	SourcePrivateMarketplace EventSource = "aws.private-marketplace"
	SourceMercato            EventSource = "mercato"
	// SourceLegacySNS carries what SaaS products' legacy SNS topics deliver (event_legacy.go).
	SourceLegacySNS EventSource = "aws.sns"
)

// EventParty is the role in which an account receives its copy of an event, the suffix of the
// detail type ("Purchase Agreement Created - Proposer").
type EventParty string

// Event parties: the seller of record, the buyer, and the product's maker when a channel
// partner resells it. EventNoParty marks the events that have one recipient and no suffix.
const (
	EventNoParty      EventParty = ""
	EventProposer     EventParty = "Proposer"
	EventAcceptor     EventParty = "Acceptor"
	EventManufacturer EventParty = "Manufacturer"
)

// EventGroup gathers event kinds for display and for choosing which to receive.
type EventGroup string

// Event groups.
const (
	GroupAgreements           EventGroup = "Agreements"
	GroupLicenses             EventGroup = "Licenses"
	GroupCancellationRequests EventGroup = "Cancellation requests"
	GroupBillingAdjustments   EventGroup = "Billing adjustments"
	GroupDisbursements        EventGroup = "Disbursements"
	GroupCatalog              EventGroup = "Catalog"
	GroupPrivateMarketplace   EventGroup = "Private marketplace"
	GroupRefundRequests       EventGroup = "Refund requests"
	GroupPaymentRequests      EventGroup = "Payment requests"
	GroupInvoices             EventGroup = "Invoices"
	GroupLegacySNS            EventGroup = "Legacy SNS notifications"
	GroupEventDelivery        EventGroup = "Event delivery"
)

// EventKind is one kind of event of the catalog: its detail type without the party suffix.
type EventKind string

// The events AWS Marketplace emits (Seller Guide, "Amazon EventBridge events"; Buyer Guide,
// "EventBridge events for agreements" and "... for cancellations and billing adjustments").
const (
	EventAgreementCreated               EventKind = "Purchase Agreement Created"
	EventAgreementAmended               EventKind = "Purchase Agreement Amended"
	EventAgreementEnded                 EventKind = "Purchase Agreement Ended"
	EventAgreementEnding                EventKind = "Purchase Agreement Ending"
	EventAgreementRenewalUpcoming       EventKind = "Purchase Agreement Renewal Upcoming"
	EventAgreementRenewalTermsFinalized EventKind = "Purchase Agreement Renewal Terms Finalized"
	EventLicenseUpdated                 EventKind = "License Updated"
	EventLicenseDeprovisioned           EventKind = "License Deprovisioned"
	EventCancellationPendingApproval    EventKind = "Agreement Cancellation Request Pending Approval"
	EventCancellationApproved           EventKind = "Agreement Cancellation Request Approved"
	EventCancellationRejected           EventKind = "Agreement Cancellation Request Rejected"
	EventCancellationCancelled          EventKind = "Agreement Cancellation Request Cancelled"
	EventCancellationValidationFailed   EventKind = "Agreement Cancellation Request Validation Failed"
	EventAdjustmentCompleted            EventKind = "Purchase Agreement Billing Adjustment Completed"
	EventAdjustmentFailed               EventKind = "Purchase Agreement Billing Adjustment Failed"
	EventDisbursementPaused             EventKind = "Disbursement Paused"
	EventChangeSetSucceeded             EventKind = "Change Set Succeeded"
	EventChangeSetFailed                EventKind = "Change Set Failed"
	EventChangeSetCancelled             EventKind = "Change Set Cancelled"
	EventOfferReleased                  EventKind = "Offer Released"
	EventProductRequestCreated          EventKind = "Product Request Created"
	EventProductRequestApproved         EventKind = "Product Request Approved"
	EventProductRequestDeclined         EventKind = "Product Request Declined"
)

// The events mercato adds for what AWS does not announce, under source "mercato".
const (
	EventRefundRequestAwaitingApproval EventKind = "Refund Request Awaiting Approval"
	EventRefundRequestCompleted        EventKind = "Refund Request Completed"
	EventRefundRequestRejected         EventKind = "Refund Request Rejected"
	EventTaxRefundCompleted            EventKind = "Tax Refund Completed"
	EventPaymentRequestPendingApproval EventKind = "Payment Request Pending Approval"
	EventPaymentRequestApproved        EventKind = "Payment Request Approved"
	EventPaymentRequestRejected        EventKind = "Payment Request Rejected"
	EventPaymentRequestCancelled       EventKind = "Payment Request Cancelled"
	EventPaymentRequestFailed          EventKind = "Payment Request Validation Failed"
	EventPendingChargesCancelled       EventKind = "Pending Charges Cancelled"
	EventDisbursementPaid              EventKind = "Disbursement Paid"
	EventDestinationFailing            EventKind = "Event Destination Failing"
)

// The legacy SNS notifications of SaaS products, named after their topics.
const (
	EventLegacySubscription EventKind = "aws-mp-subscription-notification"
	EventLegacyEntitlement  EventKind = "aws-mp-entitlement-notification"
)

// eventKind is what the catalog knows of a kind.
type eventKind struct {
	source  EventSource
	group   EventGroup
	parties []EventParty // nil: one recipient, no suffix
	title   string       // what the console shows
	// optIn kinds are delivered only to destinations that name them.
	optIn bool
}

var (
	allParties   = []EventParty{EventProposer, EventAcceptor, EventManufacturer}
	twoParties   = []EventParty{EventProposer, EventAcceptor}
	proposerOnly = []EventParty{EventProposer}
	makerOnly    = []EventParty{EventManufacturer}
)

// eventKinds is the catalog, in display order.
var eventKinds = []struct {
	kind EventKind
	eventKind
}{
	{EventAgreementCreated, eventKind{SourceAgreement, GroupAgreements, allParties, "Agreement created", false}},
	{EventAgreementAmended, eventKind{SourceAgreement, GroupAgreements, allParties, "Agreement amended", false}},
	{EventAgreementEnded, eventKind{SourceAgreement, GroupAgreements, allParties, "Agreement ended", false}},
	{EventAgreementEnding, eventKind{SourceAgreement, GroupAgreements, twoParties, "Agreement ending soon", false}},
	{EventAgreementRenewalUpcoming, eventKind{SourceAgreement, GroupAgreements, proposerOnly, "Renewal upcoming", false}},
	{EventAgreementRenewalTermsFinalized, eventKind{SourceAgreement, GroupAgreements, twoParties, "Renewal terms finalized", false}},
	{EventLicenseUpdated, eventKind{SourceAgreement, GroupLicenses, makerOnly, "License granted or changed", false}},
	{EventLicenseDeprovisioned, eventKind{SourceAgreement, GroupLicenses, makerOnly, "License deprovisioned", false}},
	{EventCancellationPendingApproval, eventKind{SourceAgreement, GroupCancellationRequests, allParties, "Cancellation requested", false}},
	{EventCancellationApproved, eventKind{SourceAgreement, GroupCancellationRequests, allParties, "Cancellation approved", false}},
	{EventCancellationRejected, eventKind{SourceAgreement, GroupCancellationRequests, allParties, "Cancellation rejected", false}},
	{EventCancellationCancelled, eventKind{SourceAgreement, GroupCancellationRequests, allParties, "Cancellation request withdrawn", false}},
	{EventCancellationValidationFailed, eventKind{SourceAgreement, GroupCancellationRequests, proposerOnly, "Cancellation request failed validation", false}},
	{EventAdjustmentCompleted, eventKind{SourceAgreement, GroupBillingAdjustments, allParties, "Billing adjustment completed", false}},
	{EventAdjustmentFailed, eventKind{SourceAgreement, GroupBillingAdjustments, proposerOnly, "Billing adjustment failed", false}},
	{EventDisbursementPaused, eventKind{SourceMarketplace, GroupDisbursements, nil, "Disbursement paused", false}},
	{EventChangeSetSucceeded, eventKind{SourceCatalog, GroupCatalog, nil, "Change set succeeded", false}},
	{EventChangeSetFailed, eventKind{SourceCatalog, GroupCatalog, nil, "Change set failed", false}},
	{EventChangeSetCancelled, eventKind{SourceCatalog, GroupCatalog, nil, "Change set cancelled", false}},
	{EventOfferReleased, eventKind{SourceCatalog, GroupCatalog, nil, "Offer released", false}},
	{EventProductRequestCreated, eventKind{SourcePrivateMarketplace, GroupPrivateMarketplace, nil, "Product requested", false}},
	{EventProductRequestApproved, eventKind{SourcePrivateMarketplace, GroupPrivateMarketplace, nil, "Product request approved", false}},
	{EventProductRequestDeclined, eventKind{SourcePrivateMarketplace, GroupPrivateMarketplace, nil, "Product request declined", false}},
	{EventRefundRequestAwaitingApproval, eventKind{SourceMercato, GroupRefundRequests, proposerOnly, "Refund request awaits the seller", false}},
	{EventRefundRequestCompleted, eventKind{SourceMercato, GroupRefundRequests, twoParties, "Refund request completed", false}},
	{EventRefundRequestRejected, eventKind{SourceMercato, GroupRefundRequests, twoParties, "Refund request rejected", false}},
	{EventTaxRefundCompleted, eventKind{SourceMercato, GroupBillingAdjustments, twoParties, "Tax refunded", false}},
	{EventPaymentRequestPendingApproval, eventKind{SourceMercato, GroupPaymentRequests, twoParties, "Payment requested", false}},
	{EventPaymentRequestApproved, eventKind{SourceMercato, GroupPaymentRequests, twoParties, "Payment request approved", false}},
	{EventPaymentRequestRejected, eventKind{SourceMercato, GroupPaymentRequests, twoParties, "Payment request rejected", false}},
	{EventPaymentRequestCancelled, eventKind{SourceMercato, GroupPaymentRequests, twoParties, "Payment request withdrawn", false}},
	{EventPaymentRequestFailed, eventKind{SourceMercato, GroupPaymentRequests, twoParties, "Payment request failed validation", false}},
	{EventPendingChargesCancelled, eventKind{SourceMercato, GroupInvoices, twoParties, "Pending charges cancelled", false}},
	{EventDisbursementPaid, eventKind{SourceMercato, GroupDisbursements, nil, "Disbursement paid", false}},
	{EventDestinationFailing, eventKind{SourceMercato, GroupEventDelivery, nil, "Event destination failing", false}},
	{EventLegacySubscription, eventKind{SourceLegacySNS, GroupLegacySNS, nil, "Subscription notification (SNS)", true}},
	{EventLegacyEntitlement, eventKind{SourceLegacySNS, GroupLegacySNS, nil, "Entitlement notification (SNS)", true}},
}

// kindIndex finds a kind's entry in eventKinds.
var kindIndex = func() map[EventKind]int {
	m := make(map[EventKind]int, len(eventKinds))
	for i, e := range eventKinds {
		m[e.kind] = i
	}
	return m
}()

// lookup returns what the catalog knows of k.
func (k EventKind) lookup() (eventKind, bool) {
	i, ok := kindIndex[k]
	if !ok {
		return eventKind{}, false
	}
	return eventKinds[i].eventKind, true
}

// EventKinds returns every kind of the catalog, in display order.
func EventKinds() []EventKind {
	out := make([]EventKind, len(eventKinds))
	for i, e := range eventKinds {
		out[i] = e.kind
	}
	return out
}

// Valid reports whether k is in the catalog.
func (k EventKind) Valid() bool { _, ok := k.lookup(); return ok }

// Source returns the source of the kind's events.
func (k EventKind) Source() EventSource { e, _ := k.lookup(); return e.source }

// Group returns the group the kind belongs to.
func (k EventKind) Group() EventGroup { e, _ := k.lookup(); return e.group }

// Title returns what the kind is called in the console.
func (k EventKind) Title() string { e, _ := k.lookup(); return e.title }

// OptIn reports whether the kind's events go only to destinations that name them: the legacy
// SNS notifications, which an integration written for EventBridge does not expect.
func (k EventKind) OptIn() bool { e, _ := k.lookup(); return e.optIn }

// Parties returns the roles that receive a copy of the kind's events; none for a kind whose
// one recipient has no role.
func (k EventKind) Parties() []EventParty { e, _ := k.lookup(); return slices.Clone(e.parties) }

// DetailType returns the detail type of the copy for party: "Purchase Agreement Created -
// Proposer", or the kind alone for a kind without parties.
func (k EventKind) DetailType(p EventParty) string {
	if p == EventNoParty {
		return string(k)
	}
	return string(k) + " - " + string(p)
}

// DetailTypes returns every detail type of the catalog: each kind with each of its parties.
func DetailTypes() []string {
	var out []string
	for _, e := range eventKinds {
		if e.parties == nil {
			out = append(out, e.kind.DetailType(EventNoParty))
		}
		for _, p := range e.parties {
			out = append(out, e.kind.DetailType(p))
		}
	}
	return out
}

// ParseDetailType returns the kind and party of a detail type of the catalog; ok is false for
// any other string.
func ParseDetailType(dt string) (k EventKind, p EventParty, ok bool) {
	for _, e := range eventKinds {
		if e.parties == nil && dt == string(e.kind) {
			return e.kind, EventNoParty, true
		}
		if rest, found := strings.CutPrefix(dt, string(e.kind)+" - "); found && slices.Contains(e.parties, EventParty(rest)) {
			return e.kind, EventParty(rest), true
		}
	}
	return "", "", false
}

// EventDetail is the detail of one copy of an event. Only the catalog's payloads are details,
// so an event cannot carry a shape of its own making.
type EventDetail interface {
	setRequestID(id string)
}

// DetailHeader is what every detail starts with: requestId (the change's identifier, the same
// in every party's copy, for deduplication) and catalog.
type DetailHeader struct {
	RequestID string `json:"requestId"`
	Catalog   string `json:"catalog,omitempty"`
}

func (h *DetailHeader) setRequestID(id string) { h.RequestID = id }

// MarketplaceCatalog is the catalog every AWS Marketplace event names.
const MarketplaceCatalog = "AWSMarketplace"

// awsHeader is the header of the events AWS Marketplace emits.
func awsHeader() DetailHeader { return DetailHeader{Catalog: MarketplaceCatalog} }

// EventCopy is one party's copy of a notice: who receives it, in which role, with which detail.
type EventCopy struct {
	Party   EventParty
	Account string
	Detail  EventDetail
}

// Notice is one change told to its parties: an event of one kind, at one business time, with a
// copy per recipient. Service code builds notices with the constructors of this file and puts
// Events in the outbox in the transaction of the change.
type Notice struct {
	Kind       EventKind
	Time       time.Time
	ResourceID string   // the resource the outbox files the events under
	Resources  []string // the ARNs the envelope names
	Copies     []EventCopy
}

// Events renders the notice's copies as outbox events: each with the identifier uid returns,
// all with requestID in their detail. It refuses a kind outside the catalog, a party the kind
// does not have, and a copy without an account.
func (n *Notice) Events(requestID string, uid func() string) ([]Event, error) {
	k, ok := n.Kind.lookup()
	if !ok {
		return nil, fmt.Errorf("event kind %q is not in the catalog", n.Kind)
	}
	out := make([]Event, 0, len(n.Copies))
	for _, c := range n.Copies {
		if (c.Party == EventNoParty) != (k.parties == nil) || (c.Party != EventNoParty && !slices.Contains(k.parties, c.Party)) {
			return nil, fmt.Errorf("event %q has no copy for party %q", n.Kind, c.Party)
		}
		if c.Account == "" || c.Detail == nil {
			return nil, fmt.Errorf("event %q: the %s copy has no account or no detail", n.Kind, c.Party)
		}
		c.Detail.setRequestID(requestID)
		b, err := json.Marshal(c.Detail)
		if err != nil {
			return nil, fmt.Errorf("event %q: %w", n.Kind, err)
		}
		out = append(out, Event{UID: uid(), Time: n.Time, AccountID: c.Account, Source: string(k.source),
			DetailType: n.Kind.DetailType(c.Party), ResourceID: n.ResourceID, Resources: n.Resources, Detail: b})
	}
	return out, nil
}

// EventTime formats a time inside an event's detail: ISO 8601 in UTC to the second, as AWS
// writes it; "" for the zero time.
func EventTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// AgreementARN is the agreement's ARN as AWS Marketplace's events name it.
func AgreementARN(id string) string { return "arn:aws:aws-marketplace::aws:agreement:" + id }
