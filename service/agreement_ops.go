package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"mercato"
	"mercato/policy"
)

// DescribeAgreement returns an agreement to either party, and to the maker of a resold
// agreement's product without the buyer's prices (see AsManufacturer). ENotFound for anyone else.
func (s *Service) DescribeAgreement(ctx context.Context, caller, id string) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = visibleOrManufactured(tx, caller, id)
		return err
	})
	return a, err
}

// partyAgreement returns an agreement to either party only. ENotFound for anyone else, the
// maker of a resold product included.
func (s *Service) partyAgreement(ctx context.Context, caller, id string) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		a, err = visibleAgreement(tx, caller, id)
		return err
	})
	return a, err
}

// AgreementTerms returns a page of the agreement's accepted terms to either party. An agreement
// whose terms state no refund policy gets its product's as a support term, as AWS reads it back
// from the Catalog's UpdateSupportTerms (seed 001: every paid product states one).
func (s *Service) AgreementTerms(ctx context.Context, caller, id string, p Page) (mercato.Terms, string, error) {
	a, err := s.partyAgreement(ctx, caller, id)
	if err != nil {
		return nil, "", err
	}
	if err := s.withRefundPolicy(ctx, &a); err != nil {
		return nil, "", err
	}
	type indexed struct {
		i int
		t mercato.Term
	}
	items := make([]indexed, len(a.Terms))
	for i, t := range a.Terms {
		items[i] = indexed{i, t}
	}
	page, next := paginate(items, func(x *indexed) string { return fmt.Sprintf("%04d", x.i) }, p)
	out := make(mercato.Terms, len(page))
	for i := range page {
		out[i] = page[i].t
	}
	return out, next, nil
}

// Entitlement is what an agreement entitles its buyer to use.
type Entitlement struct {
	ProductID         string
	ResourceType      string
	Type              string
	RegistrationToken string // for the seller's fulfilment: resolves to the customer for metering
	Status            string // PROVISIONED, DEPROVISIONED, SCHEDULED
	StatusReasonCode  string
	LicenseArn        string
}

// registrationTokenLife is how long a registration token resolves.
const registrationTokenLife = 30 * time.Minute

// AgreementEntitlements returns the entitlements of an agreement to either party: one for its
// product, with a registration token valid for 30 minutes.
func (s *Service) AgreementEntitlements(ctx context.Context, caller, id string) ([]Entitlement, error) {
	a, err := s.partyAgreement(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	var p mercato.Product
	if err := s.view(ctx, func(tx mercato.Tx) error { p, err = tx.GetProduct(a.ProductID); return err }); err != nil {
		return nil, err
	}
	now := s.Now()
	e := Entitlement{ProductID: a.ProductID, ResourceType: ResourceType(a.ProductType), Type: "Entitlement",
		Status: "PROVISIONED", StatusReasonCode: "AGREEMENT_ACTIVE", LicenseArn: LicenseArn(&a)}
	switch {
	case a.Status != mercato.AgreementActive:
		e.Status, e.StatusReasonCode = "DEPROVISIONED", "AGREEMENT_INACTIVE"
	case a.StartTime.After(now):
		e.Status, e.StatusReasonCode = "SCHEDULED", "FUTURE_START_DATE"
	}
	if e.Status != "DEPROVISIONED" {
		tok, err := s.registrationToken(ctx, registration{AgreementID: a.ID, ProductCode: p.ProductCode,
			Customer: a.AcceptorID, Expires: now.Add(registrationTokenLife).Unix()})
		if err != nil {
			return nil, err
		}
		e.RegistrationToken = tok
	}
	return []Entitlement{e}, nil
}

// registration is what a registration token carries.
type registration struct {
	AgreementID string `json:"a"`
	ProductCode string `json:"p"`
	Customer    string `json:"c"`
	Expires     int64  `json:"e"` // business time, Unix seconds
}

func (s *Service) registrationToken(ctx context.Context, r registration) (string, error) {
	key, err := s.secret(ctx)
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(r)
	m := hmac.New(sha256.New, key)
	m.Write(body)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(body) + "." + enc.EncodeToString(m.Sum(nil)), nil
}

// secret returns the key that signs tokens, the same on every node of a database: created once,
// in a transaction, and kept in the settings.
func (s *Service) secret(ctx context.Context) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secretKey != nil {
		return s.secretKey, nil
	}
	var key []byte
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		key, err = tokenKey(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.secretKey = key
	return key, nil
}

// tokenKey reads the key that signs tokens in tx, creating it the first time, for work that
// needs it inside a transaction of its own.
func tokenKey(tx mercato.Tx) ([]byte, error) {
	hexKey, err := tx.GetSetting("token-key")
	switch mercato.ErrorCodeOf(err) {
	case mercato.ENotFound:
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		hexKey = hex.EncodeToString(b)
		if err := tx.PutSetting("token-key", hexKey); err != nil {
			return nil, err
		}
	case "":
	default:
		return nil, err
	}
	return hex.DecodeString(hexKey)
}

// InvoiceQuery selects a seller's invoices and credit memos of one agreement.
type InvoiceQuery struct {
	AgreementID  string
	InvoiceID    string
	Type         mercato.InvoiceType
	Period       *mercato.BillingPeriod
	IssuedBefore time.Time
	IssuedAfter  time.Time
	Page
}

// InvoiceLineItems returns a page of the invoices of one of the seller's agreements, oldest
// first, with what remains refundable of each. Errors: ENotFound, EForbidden (the buyer).
func (s *Service) InvoiceLineItems(ctx context.Context, caller string, q InvoiceQuery) ([]mercato.Invoice, string, error) {
	var all []mercato.Invoice
	err := s.view(ctx, func(tx mercato.Tx) error {
		if _, err := agreementAs(tx, caller, q.AgreementID, Proposer, "list its invoice line items"); err != nil {
			return err
		}
		var err error
		all, err = tx.ListInvoices(mercato.InvoiceFilter{AgreementID: q.AgreementID, Type: q.Type})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	all = slices.DeleteFunc(all, func(inv mercato.Invoice) bool { return !q.matches(&inv) })
	page, next := paginate(all, invoiceKey, q.Page)
	return page, next, nil
}

func (q *InvoiceQuery) matches(inv *mercato.Invoice) bool {
	return (q.InvoiceID == "" || inv.ID == q.InvoiceID) &&
		(q.Period == nil || inv.BillingPeriod == *q.Period) &&
		(q.IssuedBefore.IsZero() || inv.IssuedAt.Before(q.IssuedBefore)) &&
		(q.IssuedAfter.IsZero() || inv.IssuedAt.After(q.IssuedAfter))
}

func invoiceKey(inv *mercato.Invoice) string {
	return fmt.Sprintf("%020d|%s", inv.IssuedAt.UnixMicro(), inv.ID)
}

// BuyerCharges returns a page of the charges of the caller's agreements as a buyer (optionally
// of one agreement), in time order.
func (s *Service) BuyerCharges(ctx context.Context, caller, agreementID string, p Page) ([]mercato.Charge, string, error) {
	var all []mercato.Charge
	err := s.view(ctx, func(tx mercato.Tx) error {
		if agreementID != "" {
			if _, err := agreementAs(tx, caller, agreementID, Acceptor, "list its charges"); err != nil {
				return err
			}
		}
		var err error
		all, err = tx.ListCharges(mercato.ChargeFilter{AcceptorID: caller, AgreementID: agreementID})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	all = slices.DeleteFunc(all, func(c mercato.Charge) bool { return c.Status == mercato.ChargeCancelled })
	page, next := paginate(all, func(c *mercato.Charge) string { return fmt.Sprintf("%020d|%s", c.Time.UnixMicro(), c.ID) }, p)
	return page, next, nil
}

// PurchaseOrder names the buyer's purchase order reference for a charge.
type PurchaseOrder struct {
	ChargeID       string `json:"chargeId"`
	ChargeRevision int64  `json:"chargeRevision,omitempty"` // 0: the current revision
	AgreementID    string `json:"agreementId,omitempty"`
	Reference      string `json:"purchaseOrderReference,omitempty"`
}

// UpdatePurchaseOrders sets the purchase order reference of the buyer's charges, all or none;
// each change makes a new revision of the charge. Errors: EInvalid (unknown charge, stale
// revision, wrong agreement).
func (s *Service) UpdatePurchaseOrders(ctx context.Context, caller string, pos []PurchaseOrder) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		charges, err := tx.ListCharges(mercato.ChargeFilter{AcceptorID: caller})
		if err != nil {
			return err
		}
		byID := make(map[string]*mercato.Charge, len(charges))
		for i := range charges {
			byID[charges[i].ID] = &charges[i]
		}
		now := s.Now()
		for i, po := range pos {
			c, ok := byID[po.ChargeID]
			field := fmt.Sprintf("purchaseOrders[%d]", i)
			switch {
			case !ok || (po.AgreementID != "" && po.AgreementID != c.AgreementID):
				return invalid("INVALID_CHARGE_ID", field+".chargeId", "charge %s is not a charge of yours", po.ChargeID)
			case po.ChargeRevision != 0 && po.ChargeRevision != c.Revision:
				return invalid("INVALID_CHARGE_REVISION", field+".chargeRevision", "charge %s is at revision %d, not %d", c.ID, c.Revision, po.ChargeRevision)
			}
			c.PurchaseOrderReference, c.Revision = po.Reference, c.Revision+1
			if err := tx.UpdateCharge(*c); err != nil {
				return err
			}
			if err := audit(tx, now, caller, "UpdatePurchaseOrder", "Charge", c.ID, "",
				map[string]any{"purchaseOrderReference": po.Reference, "revision": c.Revision}); err != nil {
				return err
			}
		}
		return nil
	})
}

// BuyerCancelAgreement is the buyer's cancellation of an agreement. Within 48 hours of a
// purchase that was not a private offer, any agreement, contracts included, is cancelled with
// everything invoiced for it refunded and nothing more charged: the same completed refund case,
// under the 48-hour rule, that a cancellation request filed through the console makes. After
// that, a pay-as-you-go agreement's recurring fee is pro-rated to the day, and contracts (upfront
// or scheduled payments) are cancelled through the seller, by a cancellation request. Errors:
// ENotFound, EForbidden (the seller), EConflict (a contract after 48 hours, or not active).
func (s *Service) BuyerCancelAgreement(ctx context.Context, caller, id string) (mercato.Agreement, error) {
	var a mercato.Agreement
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		if a, err = agreementAs(tx, caller, id, Acceptor, "cancel it"); err != nil {
			return err
		}
		now := s.Now()
		switch {
		case a.Status == mercato.AgreementActive && policy.CancellableInFull(&a, now):
			a, err = s.cancelInFull(tx, caller, a, now)
			return err
		case a.Terms.IsContract():
			return conflict("Agreement", a.ID, "agreement %s is a contract: ask the seller, who cancels it with a cancellation request", a.ID)
		}
		a, err = cancelAgreement(tx, CancelInput{AgreementID: id, Actor: caller, Reason: "cancelled by the buyer"}, now)
		return err
	})
	return a, err
}

// cancelInFull files the buyer's cancellation as a refund case, which the 48-hour rule grants at
// once, and returns the cancelled agreement.
func (s *Service) cancelInFull(tx mercato.Tx, caller string, a mercato.Agreement, now time.Time) (mercato.Agreement, error) {
	in := RefundRequestInput{BuyerID: a.AcceptorID, SellerID: a.ProposerID, AgreementID: a.ID, ProductID: a.ProductID,
		Kind: mercato.RefundKindCancellation, Comments: "cancelled by the buyer with CancelAgreement"}
	c := mercato.RefundCase{ID: newID("rc-"), FiledBy: caller, Status: mercato.RefundSubmitted, CreatedAt: now}
	if err := fillCase(&c, &in, &a); err != nil {
		return a, err
	}
	if err := tx.InsertRefundCase(c); err != nil {
		return a, err
	}
	if err := audit(tx, now, caller, "FileRefundRequest", "RefundCase", c.ID, "", in); err != nil {
		return a, err
	}
	if err := s.evaluate(tx, &c, &a, now); err != nil {
		return a, err
	}
	if c.Status != mercato.RefundCompleted || !c.Cancelled {
		return a, fmt.Errorf("cancel agreement %s within 48 hours: refund case %s is %s (%s)", a.ID, c.ID, c.Status, c.StatusReason)
	}
	return tx.GetAgreement(a.ID)
}

// proposalID derives the ID buyers name an offer by when they request an agreement.
func proposalID(offerID string) string {
	h := sha256.Sum256([]byte(offerID))
	return "ap-" + strings.ToLower(hex.EncodeToString(h[:12]))
}
