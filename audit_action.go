package mercato

// AuditAction names what an audit record records: the operation's name, as the Agreement API
// calls it where it has one ("SendAgreementCancellationRequest").
type AuditAction string

// The audit actions of an agreement's history: what the parties, the marketplace's support and
// the marketplace itself do to an agreement and its requests.
const (
	AuditAcceptOffer               AuditAction = "AcceptOffer"
	AuditReplaceAgreement          AuditAction = "ReplaceAgreement"
	AuditCancelReplacedCharges     AuditAction = "CancelReplacedCharges"
	AuditCancelAgreement           AuditAction = "CancelAgreement"
	AuditExpireAgreement           AuditAction = "ExpireAgreement"
	AuditCreateBillingAdjustment   AuditAction = "CreateBillingAdjustment"
	AuditCompleteBillingAdjustment AuditAction = "CompleteBillingAdjustment"
	AuditFailBillingAdjustment     AuditAction = "FailBillingAdjustment"
	AuditSendCancellationRequest   AuditAction = "SendAgreementCancellationRequest"
	AuditAcceptCancellationRequest AuditAction = "AcceptAgreementCancellationRequest"
	AuditRejectCancellationRequest AuditAction = "RejectAgreementCancellationRequest"
	AuditCancelCancellationRequest AuditAction = "CancelAgreementCancellationRequest"
	AuditAutoApproveCancellation   AuditAction = "AutoApproveAgreementCancellationRequest"
	AuditSendPaymentRequest        AuditAction = "SendAgreementPaymentRequest"
	AuditAcceptPaymentRequest      AuditAction = "AcceptAgreementPaymentRequest"
	AuditRejectPaymentRequest      AuditAction = "RejectAgreementPaymentRequest"
	AuditCancelPaymentRequest      AuditAction = "CancelAgreementPaymentRequest"
	AuditAutoApprovePaymentRequest AuditAction = "AutoApproveAgreementPaymentRequest"
	AuditUpdatePurchaseOrder       AuditAction = "UpdatePurchaseOrder"
	AuditFileRefundRequest         AuditAction = "FileRefundRequest"
	AuditGrantRefundRequest        AuditAction = "GrantRefundRequest"
	AuditRefundTax                 AuditAction = "RefundTax"
)

// auditTitles say, in words, what each action did.
var auditTitles = map[AuditAction]string{
	AuditAcceptOffer:               "Offer accepted: agreement created",
	AuditReplaceAgreement:          "Agreement replaced",
	AuditCancelReplacedCharges:     "Previous offer's pending payments stopped by the seller",
	AuditCancelAgreement:           "Agreement cancelled",
	AuditExpireAgreement:           "Agreement expired",
	AuditCreateBillingAdjustment:   "Billing adjustment submitted",
	AuditCompleteBillingAdjustment: "Billing adjustment completed: credit memo issued",
	AuditFailBillingAdjustment:     "Billing adjustment failed",
	AuditSendCancellationRequest:   "Cancellation requested by the seller",
	AuditAcceptCancellationRequest: "Cancellation approved by the buyer",
	AuditRejectCancellationRequest: "Cancellation rejected by the buyer",
	AuditCancelCancellationRequest: "Cancellation request withdrawn by the seller",
	AuditAutoApproveCancellation:   "Cancellation approved automatically after 7 days",
	AuditSendPaymentRequest:        "Payment requested by the seller",
	AuditAcceptPaymentRequest:      "Payment request approved by the buyer",
	AuditRejectPaymentRequest:      "Payment request rejected by the buyer",
	AuditCancelPaymentRequest:      "Payment request withdrawn by the seller",
	AuditAutoApprovePaymentRequest: "Payment request approved automatically",
	AuditUpdatePurchaseOrder:       "Purchase order reference updated",
	AuditFileRefundRequest:         "Refund requested",
	AuditGrantRefundRequest:        "Refund request granted",
	AuditRefundTax:                 "Tax refunded",
}

// Title says in words what the action did; an action without a title is its own name.
func (a AuditAction) Title() string {
	if s, ok := auditTitles[a]; ok {
		return s
	}
	return string(a)
}
