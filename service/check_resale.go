package service

import (
	"mercato"
	"mercato/billing"
)

// lineNets returns what each document owes each of its sellers, as payout lines count it:
// positive for an invoice, negative for a credit memo; in a resale, a part for the partner (the
// seller of record) and one for the product's maker.
func (b *books) lineNets() map[[2]string]mercato.Amount {
	nets := map[[2]string]mercato.Amount{}
	put := func(d *mercato.Invoice, sign mercato.Amount) {
		nets[[2]string{d.ID, d.SellerID}] = sign * d.ProposerNet()
		if d.MakerID != "" {
			nets[[2]string{d.ID, d.MakerID}] = sign * d.MakerNet()
		}
	}
	for i := range b.invoices {
		put(&b.invoices[i], 1)
		for j := range b.memos[b.invoices[i].ID] {
			put(&b.memos[b.invoices[i].ID][j], -1)
		}
	}
	return nets
}

// loadResaleCharges reads the charges of the agreements whose makers are paid their own rates:
// proving their invoices' split needs each line's kind, dimension and quantity.
func (b *books) loadResaleCharges(tx mercato.Tx) error {
	b.resaleCharges = map[string][]mercato.Charge{}
	rated := map[string]bool{}
	for i := range b.agreements {
		if r := b.agreements[i].Resale; r != nil && r.Rated() {
			rated[b.agreements[i].ID] = true
		}
	}
	if len(rated) == 0 {
		return nil
	}
	// One read of the invoiced charges, as the other books are read, not one per agreement.
	cs, err := tx.ListCharges(mercato.ChargeFilter{Status: mercato.ChargeInvoiced})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if rated[c.AgreementID] {
			b.resaleCharges[c.InvoiceID] = append(b.resaleCharges[c.InvoiceID], c)
		}
	}
	return nil
}

// checkResales proves the split of every channel-partner invoice: its maker is the agreement's
// manufacturer and its share is the one billing.ResaleInvoiceSplit gives for the agreement's
// terms and the invoice's charges (billing.ResaleSplit of the whole, without maker's rates); its
// credit memos give back no more of the maker's share than it had (all of it once the invoice is
// refunded in full); no direct deal's document names a maker; and, per document, what the maker
// and the partner are paid out plus the listing fee is the document's pre-tax amount, to the cent.
func (b *books) checkResales(add addFunc) {
	lines := b.linesByDocument()
	for i := range b.invoices {
		inv := &b.invoices[i]
		b.checkResaleInvoice(inv, b.agreementOf(inv.AgreementID), add)
		b.checkResaleLines(inv, 1, lines[inv.ID], add)
		for j := range b.memos[inv.ID] {
			b.checkResaleLines(&b.memos[inv.ID][j], -1, lines[b.memos[inv.ID][j].ID], add)
		}
	}
}

// checkResaleInvoice proves an invoice's maker part and its memos' against the agreement.
func (b *books) checkResaleInvoice(inv *mercato.Invoice, a *mercato.Agreement, add addFunc) {
	subject := "invoice " + inv.ID
	var r *mercato.Resale
	if a != nil {
		r = a.Resale
	}
	if r == nil {
		if inv.MakerID != "" || inv.MakerAmount != 0 || inv.MakerFee != 0 {
			add(RuleResaleSplit, subject, "a direct deal's invoice gives %s %s (fee %s) to maker %q", inv.MakerAmount, inv.Currency, inv.MakerFee, inv.MakerID)
		}
		return
	}
	var amount, fee mercato.Amount
	if r.Rated() {
		amount, fee = billing.ResaleInvoiceSplit(a, b.resaleCharges[inv.ID], inv.ListingFee)
	} else {
		amount, fee = billing.ResaleSplit(inv.PreTax, inv.ListingFee, a.ListingFeeRate, r, inv.Currency)
	}
	if inv.MakerID != r.ManufacturerID || inv.MakerAmount != amount || inv.MakerFee != fee {
		add(RuleResaleSplit, subject, "gives maker %q %s %s with fee %s; the resale gives %s %s with fee %s",
			inv.MakerID, inv.MakerAmount, inv.Currency, inv.MakerFee, r.ManufacturerID, amount, fee)
	}
	var back, backFee, refunded mercato.Amount
	for _, m := range b.memos[inv.ID] {
		back, backFee, refunded = back+m.MakerAmount, backFee+m.MakerFee, refunded+m.PreTax
	}
	full := refunded >= inv.PreTax
	if back < 0 || back > inv.MakerAmount || backFee < 0 || backFee > inv.MakerFee ||
		(full && (back != inv.MakerAmount || backFee != inv.MakerFee)) {
		add(RuleResaleSplit, subject, "credit memos gave back %s with fee %s of the maker's %s with fee %s %s, refunding %s of %s",
			back, backFee, inv.MakerAmount, inv.MakerFee, inv.Currency, refunded, inv.PreTax)
	}
}

// checkResaleLines proves that a document's payout lines, once it has one for each of its
// sellers, add up with its listing fee to its pre-tax amount (sign is -1 for a credit memo).
func (b *books) checkResaleLines(d *mercato.Invoice, sign mercato.Amount, ls []mercato.PayoutLine, add addFunc) {
	parties := 1
	if d.MakerID != "" {
		parties = 2
	}
	if len(ls) != parties {
		if len(ls) > parties {
			add(RuleResaleSplit, "document "+d.ID, "has %d payout lines for %d sellers", len(ls), parties)
		}
		return
	}
	var sum mercato.Amount
	for _, l := range ls {
		sum += l.Amount
	}
	if sign*sum+d.ListingFee != d.PreTax {
		add(RuleResaleSplit, "document "+d.ID, "pays out %s %s to its sellers; with the fee %s that is not its %s",
			sign*sum, d.Currency, d.ListingFee, d.PreTax)
	}
}

// linesByDocument returns every payout line, paid out or pending, by its document.
func (b *books) linesByDocument() map[string][]mercato.PayoutLine {
	out := map[string][]mercato.PayoutLine{}
	for _, ls := range b.lines {
		for _, l := range ls {
			out[l.DocumentID] = append(out[l.DocumentID], l)
		}
	}
	return out
}
