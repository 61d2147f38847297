package service

import (
	"context"
	"time"

	"mercato"
)

// A resold agreement (a CPPO) has two parties, the channel partner (proposer, the seller of
// record) and the buyer (acceptor). The product's maker is neither, yet it is owed part of every
// invoice and gets the agreement's events as its Manufacturer: it may find and describe the
// agreement as Manufacturer, without what the buyer pays. The partner's markup is its own
// business, so the terms, the agreement's value and the buyer's price stay hidden, and every
// write (adjustments, cancellations, payment requests) stays the seller of record's.

// manufacturerFilters are the filters a manufacturer may search with: those a proposer has,
// less the ones about offer sets, renewals and licenses, which are the partner's concern.
var manufacturerFilters = []string{"AgreementType", "PartyType", "Status", "BeforeEndTime", "AfterEndTime",
	"ResourceIdentifier", "ResourceType", "OfferId", "AcceptorAccountId"}

// manufactures reports whether caller made the product of a, which a partner resold.
func manufactures(a *mercato.Agreement, caller string) bool {
	return a.Resale != nil && a.Resale.ManufacturerID == caller && a.ProposerID != caller
}

// AsManufacturer returns a as its product's maker may see it: parties, product, offer, status
// and dates, with the maker's own wholesale price but without the terms, the contract value, its
// currency, the buyer's price or the buyer's tax jurisdiction.
func AsManufacturer(a mercato.Agreement) mercato.Agreement {
	a.Terms, a.Value, a.Currency, a.TaxJurisdiction = nil, 0, "", ""
	if a.Resale != nil {
		r := *a.Resale
		r.Price = 0
		a.Resale = &r
	}
	return a
}

// visibleOrManufactured returns the agreement to either party, and to its product's maker as
// AsManufacturer shows it. ENotFound for anyone else.
func visibleOrManufactured(tx mercato.Tx, caller, id string) (mercato.Agreement, error) {
	a, err := tx.GetAgreement(id)
	if err != nil {
		return a, err
	}
	if _, ok := partyOf(&a, caller); ok {
		return a, nil
	}
	if manufactures(&a, caller) {
		return AsManufacturer(a), nil
	}
	return mercato.Agreement{}, mercato.NotFound("Agreement", id)
}

// manufacturedAgreements returns the agreements of the caller's products that channel partners
// resold, as AsManufacturer shows them.
func manufacturedAgreements(tx mercato.Tx, caller string) ([]mercato.Agreement, error) {
	products, err := tx.ListProducts(caller)
	if err != nil {
		return nil, err
	}
	var out []mercato.Agreement
	for _, p := range products {
		list, err := tx.ListAgreements(mercato.AgreementFilter{ProductID: p.ID})
		if err != nil {
			return nil, err
		}
		for i := range list {
			if manufactures(&list[i], caller) {
				out = append(out, AsManufacturer(list[i]))
			}
		}
	}
	return out, nil
}

// ResoldAgreement is what a product's maker sees of a partner's resale of it: the agreement as
// AsManufacturer shows it, its own share of each document (amount and listing fee, never the
// buyer's price), and its payout lines for them, paid out or pending.
type ResoldAgreement struct {
	Agreement mercato.Agreement
	Documents []MakerDocument
	Lines     []mercato.PayoutLine
}

// MakerDocument is the maker's share of one invoice or credit memo of a resale.
type MakerDocument struct {
	ID, InvoiceID string
	Type          mercato.InvoiceType
	IssuedAt      time.Time
	Currency      mercato.Currency
	Amount, Fee   mercato.Amount // positive for an invoice, negative for a credit memo
}

// ResoldAgreement returns a partner's resale of the caller's product. ENotFound for any other
// agreement, the caller's own included (it sees those as their party).
func (s *Service) ResoldAgreement(ctx context.Context, caller, id string) (ResoldAgreement, error) {
	var out ResoldAgreement
	err := s.view(ctx, func(tx mercato.Tx) error {
		a, err := tx.GetAgreement(id)
		if err != nil {
			return err
		}
		if !manufactures(&a, caller) {
			return mercato.NotFound("Agreement", id)
		}
		out.Agreement = AsManufacturer(a)
		docs, err := tx.ListInvoices(mercato.InvoiceFilter{AgreementID: id})
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.MakerID != caller {
				continue
			}
			out.Documents = append(out.Documents, makerDocument(&d))
			if d.Type != mercato.InvoiceTypeInvoice {
				continue
			}
			lines, err := tx.ListPayoutLines(mercato.PayoutLineFilter{SellerID: caller, InvoiceID: d.ID})
			if err != nil {
				return err
			}
			out.Lines = append(out.Lines, lines...)
		}
		return nil
	})
	return out, err
}

func makerDocument(d *mercato.Invoice) MakerDocument {
	sign := mercato.Amount(1)
	inv := d.ID
	if d.Type == mercato.InvoiceTypeCreditMemo {
		sign, inv = -1, d.OriginalInvoiceID
	}
	return MakerDocument{ID: d.ID, InvoiceID: inv, Type: d.Type, IssuedAt: d.IssuedAt, Currency: d.Currency,
		Amount: sign * d.MakerAmount, Fee: sign * d.MakerFee}
}
