package mercato

import (
	"slices"
	"time"
)

// Parties are the accounts told of an agreement's events: the seller of record (Proposer), the
// buyer (Acceptor) and, in a channel-partner deal, the product's maker (Manufacturer). A direct
// deal leaves Manufacturer empty or equal to Proposer: the seller of record makes the product.
type Parties struct {
	Proposer     string
	Acceptor     string
	Manufacturer string
}

// AgreementParties returns the parties of an agreement for a product made by manufacturer.
func AgreementParties(a *Agreement, manufacturer string) Parties {
	return Parties{Proposer: a.ProposerID, Acceptor: a.AcceptorID, Manufacturer: manufacturer}
}

// Maker returns the account that makes the product: the manufacturer, or the proposer that
// sells its own.
func (p Parties) Maker() string {
	if p.Manufacturer != "" {
		return p.Manufacturer
	}
	return p.Proposer
}

// account returns who receives the party's copy of an event of kind k, or "" if nobody does. A
// manufacturer gets its own copy of a shared event only when it is not the seller of record;
// events only the maker receives (licenses) go to it either way.
func (p Parties) account(k EventKind, party EventParty) string {
	switch party {
	case EventProposer:
		return p.Proposer
	case EventAcceptor:
		return p.Acceptor
	case EventManufacturer:
		if slices.Equal(k.Parties(), makerOnly) {
			return p.Maker()
		}
		if p.Manufacturer != p.Proposer {
			return p.Manufacturer
		}
	}
	return ""
}

// copies returns a copy of an event of kind k for each of its parties that has an account, with
// the detail detail returns for that party.
func (p Parties) copies(k EventKind, detail func(EventParty) EventDetail) []EventCopy {
	var out []EventCopy
	for _, party := range k.Parties() {
		if acct := p.account(k, party); acct != "" {
			out = append(out, EventCopy{Party: party, Account: acct, Detail: detail(party)})
		}
	}
	return out
}

// AccountRef names an account in a detail.
type AccountRef struct {
	Name      string `json:"name,omitempty"`
	AccountID string `json:"accountId"`
}

// NameRef names an account by its display name alone.
type NameRef struct {
	Name string `json:"name"`
}

// IDRef names a resource by its ID.
type IDRef struct {
	ID string `json:"id"`
}

// OfferRef names an offer.
type OfferRef struct {
	ID             string `json:"id"`
	ARN            string `json:"arn,omitempty"`
	Name           string `json:"name,omitempty"`
	ExpirationDate string `json:"expirationDate,omitempty"`
}

// ProductRef names a product: by ID, and by code, ARN or title where an event carries them.
type ProductRef struct {
	Code  string `json:"code,omitempty"`
	ID    string `json:"id"`
	ARN   string `json:"arn,omitempty"`
	Title string `json:"title,omitempty"`
}

// AgreementRef is the agreement block of agreement events; each event carries its own fields.
type AgreementRef struct {
	ID                  string          `json:"id"`
	Intent              string          `json:"intent,omitempty"`
	Status              AgreementStatus `json:"status,omitempty"`
	AcceptanceTime      string          `json:"acceptanceTime,omitempty"`
	StartTime           string          `json:"startTime,omitempty"`
	EndTime             string          `json:"endTime,omitempty"`
	PreviousAgreementID string          `json:"previousAgreementId,omitempty"`
	DaysBeforeEndTime   int             `json:"daysBeforeEndTime,omitempty"`
	AutoRenewalEnabled  *bool           `json:"autoRenewalEnabled,omitempty"`
}

// RenewalSummary is the renewal state of Amended and Ending events: when the renewal decision
// locks (null: the renewal term has none) and who turned auto-renewal off (ACCEPTOR, PROPOSER;
// null while it is on, or without renewal terms).
type RenewalSummary struct {
	LockoutStartTime *string `json:"lockoutStartTime"`
	DisabledBy       *string `json:"disabledBy"`
}

// AgreementDetail is the detail of the agreement events (Created, Amended, Ended, Ending).
// ResaleAuthorization is null unless a channel partner resells the product.
type AgreementDetail struct {
	DetailHeader
	Agreement           AgreementRef    `json:"agreement"`
	RenewalSummary      *RenewalSummary `json:"renewalSummary,omitempty"`
	Product             *ProductRef     `json:"product,omitempty"`
	ResaleAuthorization *IDRef          `json:"resaleAuthorization"`
	Acceptor            AccountRef      `json:"acceptor"`
	Proposer            AccountRef      `json:"proposer"`
	Offer               OfferRef        `json:"offer"`
}

// Agreement intents, as the Created and Amended events name them.
const (
	IntentNew     = "NEW"
	IntentRenew   = "RENEW"
	IntentReplace = "REPLACE"
	IntentAmend   = "AMEND"
)

// agreementDetail returns the blocks every agreement event shares.
func agreementDetail(a *Agreement, ref AgreementRef) *AgreementDetail {
	return &AgreementDetail{DetailHeader: awsHeader(), Agreement: ref, Acceptor: AccountRef{AccountID: a.AcceptorID},
		Proposer: AccountRef{AccountID: a.ProposerID}, Offer: OfferRef{ID: a.OfferID}}
}

// agreementNotice is an event of kind k about agreement a for each of its parties.
func agreementNotice(k EventKind, a *Agreement, p Parties, at time.Time, detail func() EventDetail) Notice {
	return Notice{Kind: k, Time: at, ResourceID: a.ID, Resources: []string{AgreementARN(a.ID)},
		Copies: p.copies(k, func(EventParty) EventDetail { return detail() })}
}

// AgreementCreated tells the parties that agreement a was made at its acceptance, with intent
// NEW, REPLACE (it replaced a.SourceAgreementID) or RENEW (previousAgreementId names the
// agreement it renews).
func AgreementCreated(a *Agreement, p Parties, intent string) Notice {
	return agreementNotice(EventAgreementCreated, a, p, a.AcceptanceTime, func() EventDetail {
		ref := AgreementRef{ID: a.ID, Intent: intent, Status: a.Status, AcceptanceTime: EventTime(a.AcceptanceTime),
			StartTime: EventTime(a.StartTime), EndTime: EventTime(a.EndTime)}
		if intent == IntentRenew {
			ref.PreviousAgreementID = a.SourceAgreementID
		}
		return agreementDetail(a, ref)
	})
}

// AgreementAmended tells the parties that agreement a's terms changed in place at time at.
// product and renewal are what the event carries beside the agreement.
func AgreementAmended(a *Agreement, p Parties, product ProductRef, at time.Time) Notice {
	return agreementNotice(EventAgreementAmended, a, p, at, func() EventDetail {
		on, summary := renewalState(a)
		d := agreementDetail(a, AgreementRef{ID: a.ID, Intent: IntentAmend, Status: a.Status,
			AcceptanceTime: EventTime(a.AcceptanceTime), StartTime: EventTime(a.StartTime), EndTime: EventTime(a.EndTime),
			AutoRenewalEnabled: &on})
		d.RenewalSummary, d.Product = summary, &product
		return d
	})
}

// AgreementEnded tells the parties that agreement a ended at time at; its status says how
// (CANCELLED, EXPIRED, REPLACED, RENEWED, TERMINATED ...).
func AgreementEnded(a *Agreement, p Parties, at time.Time) Notice {
	return agreementNotice(EventAgreementEnded, a, p, at, func() EventDetail {
		return agreementDetail(a, AgreementRef{ID: a.ID, Status: a.Status})
	})
}

// EndingDays are the days before an agreement's end at which its parties are told it is ending.
var EndingDays = []int{180, 120, 90, 60, 30}

// AgreementEnding tells the proposer and acceptor, at time at, that agreement a ends in days
// days. proposerName is the seller's display name.
func AgreementEnding(a *Agreement, p Parties, days int, product ProductRef, proposerName string, at time.Time) Notice {
	return agreementNotice(EventAgreementEnding, a, p, at, func() EventDetail {
		on, summary := renewalState(a)
		d := agreementDetail(a, AgreementRef{ID: a.ID, Status: a.Status, StartTime: EventTime(a.StartTime),
			EndTime: EventTime(a.EndTime), DaysBeforeEndTime: days, AutoRenewalEnabled: &on})
		d.RenewalSummary, d.Product, d.Proposer.Name = summary, &product, proposerName
		return d
	})
}

// renewalState says whether agreement a renews automatically, and the renewal summary the
// events carry: when the lockout before its end begins, if its renewal term has one; only the
// buyer turns renewal off.
func renewalState(a *Agreement) (bool, *RenewalSummary) {
	s := &RenewalSummary{}
	for _, t := range a.Terms {
		r := t.Renewal
		if r == nil {
			continue
		}
		if lockout := r.LockoutStart(a.EndTime); !lockout.IsZero() {
			at := EventTime(lockout)
			s.LockoutStartTime = &at
		}
		if r.Configuration != nil && r.Configuration.EnableAutoRenew {
			return true, s
		}
		by := "ACCEPTOR"
		s.DisabledBy = &by
	}
	return false, s
}

// RenewalTermsSummary is the renewal block of the Renewal Upcoming and Renewal Terms Finalized
// events: the renewal's total contract value and currency, when its terms were finalized,
// whether the renewal decision is locked and from when.
type RenewalTermsSummary struct {
	TCV                string  `json:"tcv"`
	Currency           string  `json:"currency"`
	TermsFinalizedTime string  `json:"termsFinalizedTime,omitempty"`
	LockoutReached     *bool   `json:"lockoutReached"`
	LockoutStartTime   *string `json:"lockoutStartTime,omitempty"`
}

// RenewalDetail is the detail of the Renewal Upcoming and Renewal Terms Finalized events.
type RenewalDetail struct {
	DetailHeader
	Agreement      AgreementRef        `json:"agreement"`
	RenewalSummary RenewalTermsSummary `json:"renewalSummary"`
	Product        ProductRef          `json:"product"`
	Acceptor       AccountRef          `json:"acceptor"`
	Proposer       AccountRef          `json:"proposer"`
}

// AgreementRenewal tells the parties, at time at, of agreement a's coming renewal: k is
// EventAgreementRenewalUpcoming or EventAgreementRenewalTermsFinalized.
func AgreementRenewal(k EventKind, a *Agreement, p Parties, s RenewalTermsSummary, product ProductRef, proposerName string, at time.Time) Notice {
	return agreementNotice(k, a, p, at, func() EventDetail {
		return &RenewalDetail{DetailHeader: awsHeader(),
			Agreement:      AgreementRef{ID: a.ID, StartTime: EventTime(a.StartTime), EndTime: EventTime(a.EndTime)},
			RenewalSummary: s, Product: product, Acceptor: AccountRef{AccountID: a.AcceptorID},
			Proposer: AccountRef{Name: proposerName, AccountID: a.ProposerID}}
	})
}

// LicenseDetail is the detail of the License Updated and License Deprovisioned events.
type LicenseDetail struct {
	DetailHeader
	Agreement IDRef      `json:"agreement"`
	Product   ProductRef `json:"product"`
	License   LicenseRef `json:"license"`
	Acceptor  AccountRef `json:"acceptor"`
	Proposer  AccountRef `json:"proposer"`
	Offer     IDRef      `json:"offer"`
}

// LicenseRef names a license by its License Manager ARN.
type LicenseRef struct {
	ARN string `json:"arn"`
}

// License tells the product's maker, at time at, that the buyer's license under agreement a was
// granted or changed (EventLicenseUpdated: the buyer may be metered) or ends
// (EventLicenseDeprovisioned: a last metering window opens).
func License(k EventKind, a *Agreement, p Parties, productCode, licenseARN string, at time.Time) Notice {
	return agreementNotice(k, a, p, at, func() EventDetail {
		return &LicenseDetail{DetailHeader: awsHeader(), Agreement: IDRef{a.ID},
			Product: ProductRef{Code: productCode, ID: a.ProductID}, License: LicenseRef{licenseARN},
			Acceptor: AccountRef{AccountID: a.AcceptorID}, Proposer: AccountRef{AccountID: a.ProposerID}, Offer: IDRef{a.OfferID}}
	})
}

// CancellationAgreementRef is the agreement block of cancellation request events: the copy for
// the buyer names the proposer, the others the acceptor.
type CancellationAgreementRef struct {
	ID         string `json:"id"`
	AcceptorID string `json:"acceptorId,omitempty"`
	ProposerID string `json:"proposerId,omitempty"`
	ProductID  string `json:"productId"`
	OfferID    string `json:"offerId"`
}

// CancellationRef is a cancellation request as its events show it.
type CancellationRef struct {
	ID            string             `json:"id"`
	ReasonCode    string             `json:"reasonCode"`
	ReasonMessage string             `json:"reasonMessage"`
	StatusCode    CancellationStatus `json:"statusCode"`
	StatusMessage string             `json:"statusMessage"`
	CreatedAt     string             `json:"createdAt"`
	UpdatedAt     string             `json:"updatedAt"`
}

// CancellationDetail is the detail of the cancellation request events.
type CancellationDetail struct {
	DetailHeader
	Agreement                    CancellationAgreementRef `json:"agreement"`
	AgreementCancellationRequest CancellationRef          `json:"agreementCancellationRequest"`
}

// cancellationKinds is the event of each status a cancellation request reaches.
var cancellationKinds = map[CancellationStatus]EventKind{
	CancellationPendingApproval:  EventCancellationPendingApproval,
	CancellationApproved:         EventCancellationApproved,
	CancellationRejected:         EventCancellationRejected,
	CancellationCancelled:        EventCancellationCancelled,
	CancellationValidationFailed: EventCancellationValidationFailed,
}

// CancellationChanged tells the parties of agreement a that its cancellation request r reached
// its status, at r.UpdatedAt. A validation failure is the seller's alone.
func CancellationChanged(r *CancellationRequest, a *Agreement, p Parties) Notice {
	k := cancellationKinds[r.Status]
	ref := CancellationRef{ID: r.ID, ReasonCode: r.ReasonCode, ReasonMessage: r.Description, StatusCode: r.Status,
		StatusMessage: r.StatusMessage, CreatedAt: EventTime(r.CreatedAt), UpdatedAt: EventTime(r.UpdatedAt)}
	return Notice{Kind: k, Time: r.UpdatedAt, ResourceID: r.ID, Resources: []string{},
		Copies: p.copies(k, func(party EventParty) EventDetail {
			ag := CancellationAgreementRef{ID: a.ID, AcceptorID: a.AcceptorID, ProductID: a.ProductID, OfferID: a.OfferID}
			if party == EventAcceptor {
				ag.AcceptorID, ag.ProposerID = "", a.ProposerID
			}
			return &CancellationDetail{DetailHeader: awsHeader(), Agreement: ag, AgreementCancellationRequest: ref}
		})}
}

// AdjustmentRef is a billing adjustment as its events show it: the amount is negative, money
// back to the buyer.
type AdjustmentRef struct {
	ID                   string `json:"id"`
	AdjustmentAmount     string `json:"adjustmentAmount"`
	CurrencyCode         string `json:"currencyCode"`
	AdjustmentReasonCode string `json:"adjustmentReasonCode"`
}

// InvoiceRef names the invoice a billing adjustment credits.
type InvoiceRef struct {
	OriginalInvoiceID string `json:"originalInvoiceId"`
}

// AdjustmentDetail is the detail of the billing adjustment events.
type AdjustmentDetail struct {
	DetailHeader
	Agreement                IDRef         `json:"agreement"`
	BillingAdjustmentRequest AdjustmentRef `json:"billingAdjustmentRequest"`
	Invoice                  InvoiceRef    `json:"invoice"`
}

// AdjustmentChanged tells the parties that billing adjustment ba completed (a credit memo was
// issued: all parties) or failed validation (the seller alone), at ba.UpdatedAt. manufacturer
// is the product's maker in a channel deal, or "". AWS validates adjustments after accepting
// them; mercato refuses a bad one when it is made, so nothing fails later yet.
func AdjustmentChanged(ba *BillingAdjustment, manufacturer string) Notice {
	k := EventAdjustmentCompleted
	if ba.Status == AdjustmentValidationFailed {
		k = EventAdjustmentFailed
	}
	d := AdjustmentDetail{DetailHeader: awsHeader(), Agreement: IDRef{ba.AgreementID},
		BillingAdjustmentRequest: AdjustmentRef{ID: ba.ID, AdjustmentAmount: negative(ba.Amount).FormatIn(ba.Currency),
			CurrencyCode: string(ba.Currency), AdjustmentReasonCode: ba.ReasonCode},
		Invoice: InvoiceRef{ba.OriginalInvoiceID}}
	p := Parties{Proposer: ba.SellerID, Acceptor: ba.BuyerID, Manufacturer: manufacturer}
	return Notice{Kind: k, Time: ba.UpdatedAt, ResourceID: ba.ID, Resources: []string{},
		Copies: p.copies(k, func(EventParty) EventDetail { c := d; return &c })}
}

// DisbursementPausedDetail is the detail of Disbursement Paused: the header alone; the resource
// names the payment instrument that could not be paid.
type DisbursementPausedDetail struct {
	DetailHeader
}

// PaymentInstrumentARN names a seller's bank account for a currency as the Disbursement Paused
// event does.
func PaymentInstrumentARN(sellerID string, c Currency) string {
	return "arn:aws:payments:" + EventRegion + ":" + sellerID + ":paymentinstrument:" + string(c)
}

// DisbursementPaused tells a seller, at time at, that its proceeds in currency c could not be
// paid out.
func DisbursementPaused(sellerID string, c Currency, at time.Time) Notice {
	return Notice{Kind: EventDisbursementPaused, Time: at, ResourceID: sellerID,
		Resources: []string{PaymentInstrumentARN(sellerID, c)},
		Copies:    []EventCopy{{Account: sellerID, Detail: &DisbursementPausedDetail{awsHeader()}}}}
}

// ChangeSetDetail is the detail of the change set events; unlike the others, AWS writes its
// keys capitalised.
type ChangeSetDetail struct {
	RequestID     string `json:"requestId"`
	Catalog       string `json:"Catalog"`
	ChangeSetID   string `json:"ChangeSetId"`
	ChangeSetName string `json:"ChangeSetName"`
	StartTime     string `json:"StartTime"`
	EndTime       string `json:"EndTime"`
	FailureCode   string `json:"FailureCode,omitempty"` // Change Set Failed: CLIENT_ERROR or SERVER_FAULT
}

func (d *ChangeSetDetail) setRequestID(id string) { d.RequestID = id }

// ChangeSetARN is a change set's ARN.
func ChangeSetARN(account, id string) string {
	return "arn:aws:aws-marketplace:" + EventRegion + ":" + account + ":AWSMarketplace/ChangeSet/" + id
}

// ChangeSetCompleted tells account that its change set ended (k: EventChangeSetSucceeded,
// EventChangeSetFailed with failureCode, EventChangeSetCancelled) at end.
func ChangeSetCompleted(k EventKind, account, id, name string, start, end time.Time, failureCode string) Notice {
	return Notice{Kind: k, Time: end, ResourceID: id, Resources: []string{ChangeSetARN(account, id)},
		Copies: []EventCopy{{Account: account, Detail: &ChangeSetDetail{Catalog: MarketplaceCatalog, ChangeSetID: id,
			ChangeSetName: name, StartTime: EventTime(start), EndTime: EventTime(end), FailureCode: failureCode}}}}
}

// OfferReleasedDetail is the detail of Offer Released.
type OfferReleasedDetail struct {
	DetailHeader
	Offer                   OfferRef   `json:"offer"`
	Product                 ProductRef `json:"product"`
	Manufacturer            AccountRef `json:"manufacturer"`
	SellerOfRecord          AccountRef `json:"sellerOfRecord"`
	TargetedBuyerAccountIDs []string   `json:"targetedBuyerAccountIds,omitempty"`
}

// OfferARN is an offer's ARN, in its seller of record's account.
func OfferARN(seller, id string) string {
	return "arn:aws:aws-marketplace:" + EventRegion + ":" + seller + ":AWSMarketplace/Offer/" + id
}

// OfferReleasedNotice tells the seller of record and, if another, the manufacturer that an offer was
// released at time at.
func OfferReleasedNotice(d OfferReleasedDetail, at time.Time) Notice {
	n := Notice{Kind: EventOfferReleased, Time: at, ResourceID: d.Offer.ID,
		Resources: []string{OfferARN(d.SellerOfRecord.AccountID, d.Offer.ID)}}
	for _, acct := range slices.Compact([]string{d.SellerOfRecord.AccountID, d.Manufacturer.AccountID}) {
		c := d
		c.DetailHeader = awsHeader()
		n.Copies = append(n.Copies, EventCopy{Account: acct, Detail: &c})
	}
	return n
}

// ProductRequestDetail is the detail of the private marketplace's product request events;
// each outcome sets its date (approvedDate, declinedDate with declinedCause).
type ProductRequestDetail struct {
	RequestID                   string     `json:"requestId"`
	ExpirationDate              string     `json:"expirationDate,omitempty"`
	ApprovedDate                string     `json:"approvedDate,omitempty"`
	DeclinedDate                string     `json:"declinedDate,omitempty"`
	DeclinedCause               string     `json:"declinedCause,omitempty"`
	SchemaVersion               string     `json:"schemaVersion"`
	Product                     ProductRef `json:"product"`
	Manufacturer                NameRef    `json:"manufacturer"`
	ExperienceID                string     `json:"experienceId"`
	ProductProcurementRequestID string     `json:"productProcurementRequestId"`
	Catalog                     string     `json:"catalog"`
	RequesterARN                string     `json:"requesterArn"`
}

func (d *ProductRequestDetail) setRequestID(id string) { d.RequestID = id }

// ProductRequest tells each of accounts (the requester and its administrators) of a product
// request's step k at time at.
func ProductRequest(k EventKind, d ProductRequestDetail, resources, accounts []string, at time.Time) Notice {
	n := Notice{Kind: k, Time: at, ResourceID: d.ProductProcurementRequestID, Resources: resources}
	d.SchemaVersion, d.Catalog = "1.0.0", MarketplaceCatalog
	for _, acct := range accounts {
		c := d
		n.Copies = append(n.Copies, EventCopy{Account: acct, Detail: &c})
	}
	return n
}
