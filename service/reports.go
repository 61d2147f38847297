package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"mercato"
)

// ReportQuery selects what a revenue report covers: one seller's documents (every seller's when
// SellerID is empty) dated in [From, To); a zero bound is open.
type ReportQuery struct {
	SellerID string
	From, To time.Time
}

// end returns the query's end, or the end of time.
func (q *ReportQuery) end() time.Time {
	if q.To.IsZero() {
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return q.To
}

// BilledLine is one invoice in the billed-revenue report: what it billed and what was refunded
// of it (credit memos issued before the end of the period), pre-tax, with the listing fee the
// marketplace kept. Net is the seller's proceeds: gross less refunds less the fee it kept.
type BilledLine struct {
	InvoiceID     string                `json:"invoiceId"`
	AgreementID   string                `json:"agreementId"`
	SellerID      string                `json:"sellerId"`
	BuyerID       string                `json:"buyerId"`
	IssuedAt      time.Time             `json:"issuedTime"`
	BillingPeriod mercato.BillingPeriod `json:"billingPeriod"`
	Currency      mercato.Currency      `json:"currencyCode"`
	Gross         mercato.Amount        `json:"gross"`
	ListingFee    mercato.Amount        `json:"listingFee"`
	Tax           mercato.Amount        `json:"tax"`
	Refunds       mercato.Amount        `json:"refunds"`
	RefundedFee   mercato.Amount        `json:"refundedFee"`
	RefundedTax   mercato.Amount        `json:"refundedTax"`
	// In a resale, the partner's line bears the maker's wholesale share as a cost, and what the
	// credit memos gave back of it; both lines name the reseller and the manufacturer (see
	// resaleBilledLines).
	WholesaleCost   mercato.Amount `json:"wholesaleCost"`
	WholesaleRefund mercato.Amount `json:"wholesaleRefund"`
	ResellerID      string         `json:"resellerId,omitempty"`
	ManufacturerID  string         `json:"manufacturerId,omitempty"`
	Net             mercato.Amount `json:"net"`
}

// BilledRevenue returns the invoices issued in the period, one line each for each seller it
// pays (the seller of record, and the product's maker in a resale), oldest first.
func (s *Service) BilledRevenue(ctx context.Context, q ReportQuery) ([]BilledLine, error) {
	var out []BilledLine
	err := s.view(ctx, func(tx mercato.Tx) error {
		docs, err := billedDocuments(tx, q)
		if err != nil {
			return err
		}
		memos := map[string][]mercato.Invoice{}
		for _, d := range docs {
			if d.Type == mercato.InvoiceTypeCreditMemo {
				memos[d.OriginalInvoiceID] = append(memos[d.OriginalInvoiceID], d)
			}
		}
		for _, inv := range docs {
			if inv.Type != mercato.InvoiceTypeInvoice || inv.IssuedAt.Before(q.From) {
				continue
			}
			if inv.MakerID == "" {
				out = append(out, billedLine(&inv, memos[inv.ID]))
				continue
			}
			out = append(out, resaleBilledLines(&inv, memos[inv.ID], q.SellerID)...)
		}
		return nil
	})
	return out, err
}

func billedLine(inv *mercato.Invoice, memos []mercato.Invoice) BilledLine {
	l := BilledLine{InvoiceID: inv.ID, AgreementID: inv.AgreementID, SellerID: inv.SellerID, BuyerID: inv.BuyerID,
		IssuedAt: inv.IssuedAt, BillingPeriod: inv.BillingPeriod, Currency: inv.Currency, Gross: inv.PreTax,
		ListingFee: inv.ListingFee, Tax: inv.Tax}
	for _, m := range memos {
		l.Refunds += m.PreTax
		l.RefundedFee += m.ListingFee
		l.RefundedTax += m.Tax
	}
	l.Net = l.Gross - l.Refunds - (l.ListingFee - l.RefundedFee)
	return l
}

// Collections returns the payments of the period on the seller's invoices: buyers' payments,
// and refunds of overpayments (negative), oldest first.
func (s *Service) Collections(ctx context.Context, q ReportQuery) ([]mercato.Payment, error) {
	var out []mercato.Payment
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		out, err = tx.ListPayments(mercato.PaymentFilter{SellerID: q.SellerID, From: q.From, To: q.To})
		return err
	})
	return out, err
}

// Disbursements returns the disbursements of the period, each with its lines, oldest first.
func (s *Service) Disbursements(ctx context.Context, q ReportQuery) ([]mercato.Payout, error) {
	return s.Payouts(ctx, mercato.PayoutFilter{SellerID: q.SellerID, From: q.From, To: q.To})
}

// Reconciliation accounts for a seller's proceeds in one currency over a period:
//
//	Opening + Invoiced - Refunds - Fees = Disbursed + Closing
//
// Invoiced and Refunds are the pre-tax amounts of the invoices and credit memos issued in the
// period, Fees the listing fees kept (those of the invoices less those the credit memos
// returned), Disbursed what was paid out, and the balances what the marketplace owed the seller
// at the start and the end, from the ledger. Each figure comes from its own records (invoices,
// disbursements, the ledger), so Difference, the amount by which the equation fails, is zero
// only if they all agree. The closing balance splits into Pending (the payout lines settled and
// not yet disbursed: collected proceeds, less refunds; negative when refunds after a
// disbursement are to be recovered) and Uncollected, the rest: what the daily settlement has
// not turned into payout lines yet, mostly proceeds of invoices the buyer has not paid in full,
// but also credit memos issued since the last settlement, which make it negative when nothing
// else is outstanding.
type Reconciliation struct {
	SellerID    string           `json:"sellerId"`
	Currency    mercato.Currency `json:"currencyCode"`
	From        time.Time        `json:"from,omitzero"`
	To          time.Time        `json:"to,omitzero"`
	Opening     mercato.Amount   `json:"openingBalance"`
	Invoiced    mercato.Amount   `json:"invoiced"`
	Refunds     mercato.Amount   `json:"refunds"`
	Fees        mercato.Amount   `json:"fees"`
	Disbursed   mercato.Amount   `json:"disbursed"`
	Closing     mercato.Amount   `json:"closingBalance"`
	Pending     mercato.Amount   `json:"pending"`
	Uncollected mercato.Amount   `json:"uncollected"`
	Difference  mercato.Amount   `json:"difference"`
}

// Balanced reports whether the books agree to the cent (to the last unit of 10⁻⁸, in fact).
func (r *Reconciliation) Balanced() bool { return r.Difference == 0 }

// Reconcile returns the reconciliation of the period per seller (one, or every seller) and
// currency.
func (s *Service) Reconcile(ctx context.Context, q ReportQuery) ([]Reconciliation, error) {
	var out []Reconciliation
	err := s.view(ctx, func(tx mercato.Tx) error {
		sellers, err := reportSellers(tx, q.SellerID)
		if err != nil {
			return err
		}
		for _, seller := range sellers {
			sq := q
			sq.SellerID = seller
			rs, err := reconcileSeller(tx, sq)
			if err != nil {
				return err
			}
			out = append(out, rs...)
		}
		return nil
	})
	return out, err
}

// reportSellers returns the seller, checked to exist, or every seller.
func reportSellers(tx mercato.Tx, seller string) ([]string, error) {
	if seller != "" {
		_, err := tx.GetAccount(seller)
		return []string{seller}, err
	}
	accounts, err := tx.ListAccounts()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range accounts {
		if a.HasRole(mercato.RoleSeller) {
			out = append(out, a.ID)
		}
	}
	return out, nil
}

func reconcileSeller(tx mercato.Tx, q ReportQuery) ([]Reconciliation, error) {
	end := q.end()
	// Every document up to the end: those of the period are summed, and the currencies of all
	// are those the seller can have a balance in.
	docs, err := tx.InvoicesIssued(mercato.IssuedFilter{SellerID: q.SellerID, To: end})
	if err != nil {
		return nil, err
	}
	made, err := tx.InvoicesIssued(mercato.IssuedFilter{MakerID: q.SellerID, To: end})
	if err != nil {
		return nil, err
	}
	rs := map[mercato.Currency]*Reconciliation{}
	for _, d := range docs {
		// The seller of record's part: all of a direct deal's, a resale's less the maker's.
		reconcileDocument(rs, q, &d, d.PreTax-d.MakerAmount, d.ListingFee-d.MakerFee)
	}
	for _, d := range made {
		reconcileDocument(rs, q, &d, d.MakerAmount, d.MakerFee)
	}
	if err := disbursed(tx, q, rs); err != nil {
		return nil, err
	}
	out := make([]Reconciliation, 0, len(rs))
	account := mercato.LedgerSellerPayable(q.SellerID)
	for c, r := range rs {
		open, err := tx.LedgerBalanceBefore(account, c, q.From)
		if err != nil {
			return nil, err
		}
		closing, err := tx.LedgerBalanceBefore(account, c, end)
		if err != nil {
			return nil, err
		}
		r.Opening, r.Closing = -open, -closing // credit balances: owed to the seller
		r.Uncollected = r.Closing - r.Pending
		r.Difference = r.Opening + r.Invoiced - r.Refunds - r.Fees - r.Disbursed - r.Closing
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Reconciliation) int { return strings.Compare(string(a.Currency), string(b.Currency)) })
	return out, nil
}

// reconcileDocument adds the seller's part of a document, amount with its listing fee, to the
// reconciliation of its currency, if the document is of the period.
func reconcileDocument(rs map[mercato.Currency]*Reconciliation, q ReportQuery, d *mercato.Invoice, amount, fee mercato.Amount) {
	r := rs[d.Currency]
	if r == nil {
		r = &Reconciliation{SellerID: q.SellerID, Currency: d.Currency, From: q.From, To: q.To}
		rs[d.Currency] = r
	}
	if d.IssuedAt.Before(q.From) {
		return
	}
	if d.Type == mercato.InvoiceTypeCreditMemo {
		r.Refunds += amount
		r.Fees -= fee
	} else {
		r.Invoiced += amount
		r.Fees += fee
	}
}

// disbursed adds what was disbursed in the period, and what was pending at its end: payout
// lines eligible by then and not disbursed before then.
func disbursed(tx mercato.Tx, q ReportQuery, rs map[mercato.Currency]*Reconciliation) error {
	payouts, err := tx.ListPayouts(mercato.PayoutFilter{SellerID: q.SellerID})
	if err != nil {
		return err
	}
	end := q.end()
	paidAt := make(map[string]time.Time, len(payouts))
	for _, p := range payouts {
		paidAt[p.ID] = p.Time
		if !p.Time.Before(q.From) && p.Time.Before(end) {
			if r := rs[p.Currency]; r != nil {
				r.Disbursed += p.Amount
			}
		}
	}
	lines, err := tx.ListPayoutLines(mercato.PayoutLineFilter{SellerID: q.SellerID})
	if err != nil {
		return err
	}
	for _, l := range lines {
		r := rs[l.Currency]
		if r != nil && l.EligibleAt.Before(end) && (l.PayoutID == "" || !paidAt[l.PayoutID].Before(end)) {
			r.Pending += l.Amount
		}
	}
	return nil
}

// IsOperator reports whether the account is one of the marketplace's operators, who see every
// seller's reports. ENotFound for an unknown account.
func (s *Service) IsOperator(ctx context.Context, accountID string) (bool, error) {
	var ok bool
	err := s.view(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAccount(accountID)
		ok = a.HasRole(mercato.RoleOperator)
		return err
	})
	return ok, err
}
