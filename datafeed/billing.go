package datafeed

import (
	"strconv"
	"strings"

	"mercato"
)

// billingEventHeader is the billing_event feed's columns.
var billingEventHeader = append([]string{"billing_event_id", "from_account_id", "to_account_id",
	"end_user_account_id", "product_id", "action", "transaction_type", "parent_billing_event_id",
	"disbursement_billing_event_id", "amount", "currency", "balance_impacting", "invoice_date",
	"payment_due_date", "usage_period_start_date", "usage_period_end_date", "invoice_id",
	"billing_address_id", "transaction_reference_id", "bank_trace_id", "broker_id", "agreement_id",
	"buyer_transaction_reference_id"}, history...)

// share is one balance share of a document: an amount, who pays it to whom, and whether it
// counts in the seller's balance.
type share struct {
	kind      string // SELLER_REV_SHARE, AWS_REV_SHARE, AWS_TAX_SHARE (+ _REFUND on credit memos)
	from, to  string
	amount    mercato.Amount
	impacting bool
	reference string // transaction_reference_id: the buyer's invoice, or the seller's for the fee
	// key names the share in its event's ID when kind alone does not (a resale's wholesale
	// share has the kind of the buyer's); kind when empty.
	key string
}

// name is what the share's event IDs are made of.
func (sh *share) name() string {
	if sh.key != "" {
		return sh.key
	}
	return sh.kind
}

// shares returns the shares of a document as AWS bills them, seen from the seller whose feed it
// is: the seller of record's, or, in a resale, the maker's or the partner's (see resaleShares).
// A credit memo's are refunds of its invoice's, of the opposite sign.
func shares(d *mercato.Invoice, seller string) []share {
	if d.MakerID != "" {
		return resaleShares(d, seller)
	}
	fee := "fee-" + d.ID
	if d.Type == mercato.InvoiceTypeCreditMemo {
		// A refund belongs to its invoice's transactions: the buyer's, and the seller's fee.
		inv := d.OriginalInvoiceID
		return []share{
			{"SELLER_REV_SHARE_REFUND", d.SellerID, d.BuyerID, -d.PreTax, true, inv, ""},
			{"AWS_REV_SHARE_REFUND", Marketplace, d.SellerID, d.ListingFee, true, "fee-" + inv, ""},
			{"AWS_TAX_SHARE_REFUND", Marketplace, d.BuyerID, -d.Tax, false, inv, ""},
		}
	}
	return []share{
		{"SELLER_REV_SHARE", d.BuyerID, d.SellerID, d.PreTax, true, d.ID, ""},
		{"AWS_REV_SHARE", d.SellerID, Marketplace, -d.ListingFee, true, fee, ""},
		{"AWS_TAX_SHARE", d.BuyerID, Marketplace, d.Tax, false, d.ID, ""},
	}
}

// parentShare is the invoice's share a credit memo's share refunds.
func parentShare(name string) string {
	return strings.TrimSuffix(name, "_REFUND")
}

// docEvents is what billing events need to know of a document beyond itself.
type docEvents struct {
	doc       *mercato.Invoice
	invoiceID string // the invoice: the document itself, or a credit memo's original
	productID string
}

// billingEventRows writes the INVOICED events of each document, in the documents' order, then
// each payout's DISBURSED events.
func billingEventRows(src *Stream, emit func([]string) error) error {
	product := agreementProducts(src.Agreements)
	err := src.EachDocument(func(doc *mercato.Invoice) error {
		d := documentOf(doc, product)
		for _, sh := range shares(doc, src.SellerID) {
			if sh.amount == 0 && sh.name() != "SELLER_REV_SHARE" && sh.name() != "SELLER_REV_SHARE_REFUND" {
				continue // no fee, no tax or no wholesale: AWS shows no event
			}
			parent := ""
			if doc.Type == mercato.InvoiceTypeCreditMemo {
				parent = eventID(d.invoiceID, parentShare(sh.name()))
			}
			if err := emit(event(d, sh, eventID(doc.ID, sh.name()), "INVOICED", parent, "", sh.amount, "")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return src.EachPayout(func(p *mercato.Payout) error { return disbursementEvents(src, p, product, emit) })
}

// agreementProducts returns the product of each agreement, by agreement ID.
func agreementProducts(agreements []mercato.Agreement) map[string]string {
	product := make(map[string]string, len(agreements))
	for _, a := range agreements {
		product[a.ID] = a.ProductID
	}
	return product
}

// documentOf returns a document with its invoice and product.
func documentOf(d *mercato.Invoice, product map[string]string) docEvents {
	inv := d.ID
	if d.Type == mercato.InvoiceTypeCreditMemo {
		inv = d.OriginalInvoiceID
	}
	return docEvents{doc: d, invoiceID: inv, productID: product[d.AgreementID]}
}

// disbursementEvents writes a payout's DISBURSEMENT event and, for each of the seller's
// documents it pays, the disbursed shares of the document: its balance-impacting shares, of
// the opposite sign.
func disbursementEvents(src *Stream, p *mercato.Payout, product map[string]string, emit func([]string) error) error {
	id := "be-" + p.ID
	err := emit(withHistory([]string{id, Marketplace, p.SellerID, "", "", "DISBURSED", "DISBURSEMENT", "", "",
		amount(-p.Amount), string(p.Currency), "1", ts(p.Time), "", "", "", "", "", p.ID, p.ID, "", "", ""}, p.Time, p.Time))
	if err != nil {
		return err
	}
	return src.EachPaidDocument(p, func(doc *mercato.Invoice) error {
		d := documentOf(doc, product)
		for _, sh := range shares(doc, src.SellerID) {
			if !sh.impacting || sh.amount == 0 {
				continue
			}
			row := event(d, sh, eventID(p.ID+"-"+doc.ID, sh.name()), "DISBURSED", eventID(doc.ID, sh.name()), id, -sh.amount, p.ID)
			row[12] = ts(p.Time) // invoice_date: when it was disbursed
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// event returns a billing event row of a document's share.
func event(d docEvents, sh share, id, action, parent, disbursement string, amt mercato.Amount, bankTrace string) []string {
	start, end := period(d.doc)
	impacting := "0"
	if sh.impacting {
		impacting = "1"
	}
	return withHistory([]string{id, sh.from, sh.to, d.doc.BuyerID, d.productID, action, sh.kind, parent, disbursement,
		amount(amt), string(d.doc.Currency), impacting, ts(d.doc.IssuedAt), ts(d.doc.DueAt), ts(start), ts(end),
		d.doc.ID, "", sh.reference, bankTrace, "", d.doc.AgreementID, d.invoiceID}, d.doc.IssuedAt, d.doc.IssuedAt)
}

// taxItemHeader is the tax_item feed's columns.
var taxItemHeader = append([]string{"tax_item_id", "invoice_id", "line_item_id", "customer_bill_id",
	"tax_liable_party", "transaction_type_code", "product_id", "product_tax_code", "invoice_date",
	"taxed_customer_account_id", "taxed_customer_country", "taxed_customer_state_or_region",
	"taxed_customer_city", "taxed_customer_postal_code", "tax_location_code_taxed_jurisdiction",
	"tax_type_code", "jurisdiction_level", "taxed_jurisdiction", "display_price_taxability_type",
	"tax_jurisdiction_rate", "tax_amount", "tax_currency", "tax_calculation_reason_code",
	"date_used_for_tax_calculation", "customer_exemption_certificate_id",
	"customer_exemption_certificate_id_domain", "customer_exemption_certificate_level",
	"customer_exemption_code", "customer_exemption_domain", "transaction_reference_id"}, history...)

// taxItemRows writes a row per tax line of each taxed invoice, and a row per credit memo that
// gave tax back; a refund shares its invoice's line item ID. The marketplace collects the tax
// (tax_liable_party AWS): mercato taxes only where the marketplace is the facilitator.
func taxItemRows(src *Stream, emit func([]string) error) error {
	product := agreementProducts(src.Agreements)
	jurisdictions := make(map[string]string, len(src.Agreements))
	for _, a := range src.Agreements {
		jurisdictions[a.ID] = a.TaxJurisdiction
	}
	return src.EachDocument(func(doc *mercato.Invoice) error {
		if doc.Tax == 0 {
			return nil
		}
		return taxItems(documentOf(doc, product), jurisdictions[doc.AgreementID], emit)
	})
}

// taxItems writes the tax items of a taxed document in jurisdiction j.
func taxItems(d docEvents, j string, emit func([]string) error) error {
	doc := d.doc
	country, region := jurisdiction(j)
	row := func(n int, code, typ string, rate mercato.Rate, amt mercato.Amount) []string {
		rateText := ""
		if rate != 0 {
			rateText = mercato.Amount(rate).Format(0)
		}
		return withHistory([]string{doc.ID + "-" + strconv.Itoa(n), doc.ID, d.invoiceID + "-tax", d.invoiceID, "AWS", code,
			d.productID, "", ts(doc.IssuedAt), doc.BuyerID, country, region, "", "", j, typ, levelOf(region), j,
			"", rateText, amount(amt), string(doc.Currency), "", ts(doc.IssuedAt), "", "", "", "", "", doc.ID},
			doc.IssuedAt, doc.IssuedAt)
	}
	if doc.Type == mercato.InvoiceTypeCreditMemo {
		code := "REFUND"
		if doc.PreTax == 0 {
			code = "TAXONLYREFUND"
		}
		return emit(row(1, code, taxType(doc), 0, -doc.Tax))
	}
	if len(doc.TaxLines) == 0 {
		return emit(row(1, "AWS", "", 0, doc.Tax))
	}
	for i, l := range doc.TaxLines {
		if err := emit(row(i+1, "AWS", l.Type, l.Rate, l.Amount)); err != nil {
			return err
		}
	}
	return nil
}

// taxType is the type of a document's first tax line, if any.
func taxType(d *mercato.Invoice) string {
	if len(d.TaxLines) > 0 {
		return d.TaxLines[0].Type
	}
	return ""
}

// levelOf says at which level a jurisdiction taxes: a state or region, else the country.
func levelOf(region string) string {
	if region != "" {
		return "State"
	}
	return "Country"
}
