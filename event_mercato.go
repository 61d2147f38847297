package mercato

import "time"

// The events of this file are mercato's own (source "mercato"): AWS Marketplace has no event for
// refund request cases, tax refunds, payment requests, charges stopped after a replacement, or
// payouts made. Their details follow AWS's style: requestId first, times in ISO 8601, amounts
// as decimal strings.

// mercatoNotice is an event of kind k about resource id, for the parties that p names among the
// kind's, each with the same detail.
func mercatoNotice(k EventKind, id string, agreementID string, p Parties, at time.Time, d func() EventDetail) Notice {
	resources := []string{}
	if agreementID != "" {
		resources = []string{AgreementARN(agreementID)}
	}
	return Notice{Kind: k, Time: at, ResourceID: id, Resources: resources,
		Copies: p.copies(k, func(EventParty) EventDetail { return d() })}
}

// RefundRequestDetail is the detail of the refund request events.
type RefundRequestDetail struct {
	DetailHeader
	Agreement     IDRef            `json:"agreement"`
	RefundRequest RefundRequestRef `json:"refundRequest"`
}

// RefundRequestRef is a refund request case as its events show it.
type RefundRequestRef struct {
	ReferenceID                 string           `json:"referenceId"`
	Type                        RefundKind       `json:"type"`
	Status                      RefundCaseStatus `json:"status"`
	StatusMessage               string           `json:"statusMessage,omitempty"`
	PolicyRule                  string           `json:"policyRule,omitempty"`
	BillingAdjustmentRequestIDs []string         `json:"billingAdjustmentRequestIds,omitempty"`
}

// RefundRequest tells the parties that p names (the seller, the buyer or both) that refund
// request c reached its status at time at: k is EventRefundRequestAwaitingApproval,
// EventRefundRequestCompleted or EventRefundRequestRejected. message is what the status means
// here (the rejection's reason).
func RefundRequest(k EventKind, c *RefundCase, p Parties, message string, at time.Time) Notice {
	return mercatoNotice(k, c.ID, c.AgreementID, p, at, func() EventDetail {
		return &RefundRequestDetail{Agreement: IDRef{c.AgreementID}, RefundRequest: RefundRequestRef{ReferenceID: c.ID,
			Type: c.Kind, Status: c.Status, StatusMessage: message, PolicyRule: c.Rule,
			BillingAdjustmentRequestIDs: c.Adjustments}}
	})
}

// TaxRefundDetail is the detail of Tax Refund Completed: the tax credit memo against an invoice.
type TaxRefundDetail struct {
	DetailHeader
	Agreement    IDRef      `json:"agreement"`
	Invoice      InvoiceRef `json:"invoice"`
	CreditMemoID string     `json:"creditMemoId"`
	TaxAmount    string     `json:"taxAmount"` // negative: money back to the buyer
	CurrencyCode string     `json:"currencyCode"`
}

// TaxRefunded tells both parties that the tax of an invoice was refunded by credit memo memo,
// at time at.
func TaxRefunded(memo *Invoice, originalInvoiceID string, p Parties, at time.Time) Notice {
	return mercatoNotice(EventTaxRefundCompleted, memo.ID, memo.AgreementID, p, at, func() EventDetail {
		return &TaxRefundDetail{Agreement: IDRef{memo.AgreementID}, Invoice: InvoiceRef{originalInvoiceID},
			CreditMemoID: memo.ID, TaxAmount: negative(memo.Tax).FormatIn(memo.Currency), CurrencyCode: string(memo.Currency)}
	})
}

// PaymentRequestRef is a payment request as its events show it.
type PaymentRequestRef struct {
	ID            string               `json:"id"`
	Name          string               `json:"name"`
	ChargeAmount  string               `json:"chargeAmount"`
	CurrencyCode  string               `json:"currencyCode"`
	StatusCode    PaymentRequestStatus `json:"statusCode"`
	StatusMessage string               `json:"statusMessage"`
	ChargeID      string               `json:"chargeId,omitempty"`
	CreatedAt     string               `json:"createdAt"`
	UpdatedAt     string               `json:"updatedAt"`
}

// PaymentRequestDetail is the detail of the payment request events.
type PaymentRequestDetail struct {
	DetailHeader
	Agreement      IDRef             `json:"agreement"`
	PaymentRequest PaymentRequestRef `json:"paymentRequest"`
}

// paymentKinds is the event of each status a payment request reaches; VALIDATING has none, as
// the request is not yet the buyer's to answer.
var paymentKinds = map[PaymentRequestStatus]EventKind{
	PaymentRequestPendingApproval:  EventPaymentRequestPendingApproval,
	PaymentRequestApproved:         EventPaymentRequestApproved,
	PaymentRequestRejected:         EventPaymentRequestRejected,
	PaymentRequestCancelled:        EventPaymentRequestCancelled,
	PaymentRequestValidationFailed: EventPaymentRequestFailed,
}

// PaymentRequestChanged tells both parties that payment request r reached its status at
// r.UpdatedAt; ok is false for a status without an event.
func PaymentRequestChanged(r *PaymentRequest) (n Notice, ok bool) {
	k, ok := paymentKinds[r.Status]
	if !ok {
		return Notice{}, false
	}
	p := Parties{Proposer: r.SellerID, Acceptor: r.BuyerID}
	return mercatoNotice(k, r.ID, r.AgreementID, p, r.UpdatedAt, func() EventDetail {
		return &PaymentRequestDetail{Agreement: IDRef{r.AgreementID}, PaymentRequest: PaymentRequestRef{ID: r.ID,
			Name: r.Name, ChargeAmount: r.Amount.FormatIn(r.Currency), CurrencyCode: string(r.Currency),
			StatusCode: r.Status, StatusMessage: r.StatusMessage, ChargeID: r.ChargeID,
			CreatedAt: EventTime(r.CreatedAt), UpdatedAt: EventTime(r.UpdatedAt)}}
	}), true
}

// PendingChargesDetail is the detail of Pending Charges Cancelled: the charges of a replaced
// agreement that will not be invoiced.
type PendingChargesDetail struct {
	DetailHeader
	Agreement          AgreementRef `json:"agreement"`
	ReplacedBy         string       `json:"replacedByAgreementId,omitempty"`
	CancelledChargeIDs []string     `json:"cancelledChargeIds"`
}

// PendingChargesCancelled tells both parties that charges ids of agreement a were cancelled at
// time at.
func PendingChargesCancelled(a *Agreement, p Parties, ids []string, at time.Time) Notice {
	return mercatoNotice(EventPendingChargesCancelled, a.ID, a.ID, p, at, func() EventDetail {
		return &PendingChargesDetail{Agreement: AgreementRef{ID: a.ID, Status: a.Status}, ReplacedBy: a.ReplacedBy(),
			CancelledChargeIDs: ids}
	})
}

// DisbursementPaidDetail is the detail of Disbursement Paid.
type DisbursementPaidDetail struct {
	DetailHeader
	Disbursement DisbursementRef `json:"disbursement"`
}

// DisbursementRef is a payout as its event shows it.
type DisbursementRef struct {
	ID              string `json:"id"`
	Amount          string `json:"amount"`
	CurrencyCode    string `json:"currencyCode"`
	BankAccountType string `json:"bankAccountType"`
	Lines           int    `json:"lines"`
	Time            string `json:"time"`
}

// DisbursementPaid tells the seller that payout p was made.
func DisbursementPaid(p *Payout) Notice {
	return Notice{Kind: EventDisbursementPaid, Time: p.Time, ResourceID: p.ID, Resources: []string{},
		Copies: []EventCopy{{Account: p.SellerID, Detail: &DisbursementPaidDetail{Disbursement: DisbursementRef{ID: p.ID,
			Amount: p.Amount.FormatIn(p.Currency), CurrencyCode: string(p.Currency), BankAccountType: p.BankAccount.Type,
			Lines: p.Lines, Time: EventTime(p.Time)}}}}}
}

// DestinationFailingDetail is the detail of Event Destination Failing: the destination, and
// the delivery that gave up after its retries.
type DestinationFailingDetail struct {
	DetailHeader
	DestinationID  string `json:"destinationId"`
	URL            string `json:"url"`
	EventID        string `json:"eventId"`
	Attempts       int    `json:"attempts"`
	LastStatusCode int    `json:"lastStatusCode,omitempty"`
	LastError      string `json:"lastError,omitempty"`
}

// DestinationFailingNotice tells the account that owns destination d, at time at, that it is marked
// failing: a delivery to it gave up.
func DestinationFailingNotice(d *EventDestination, detail DestinationFailingDetail, at time.Time) Notice {
	detail.DestinationID, detail.URL = d.ID, d.URL
	return Notice{Kind: EventDestinationFailing, Time: at, ResourceID: d.ID, Resources: []string{},
		Copies: []EventCopy{{Account: d.AccountID, Detail: &detail}}}
}

// negative returns -|a|: the sign events give money back to the buyer.
func negative(a Amount) Amount {
	if a > 0 {
		return -a
	}
	return a
}
