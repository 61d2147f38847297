// Package datafeed builds a seller's records as the CSV feeds of AWS Marketplace's Seller Data
// Feed Delivery Service (account, product, offer, offer_target, agreement, billing_event and
// tax_item, with AWS's column names), so that the queries sellers run on AWS's feeds, such as
// AWS's published billed-revenue and collections-and-disbursements reports, run on mercato's.
//
// It makes rows and writes them: what to export is read by the service
// (Service.WriteSellerFeeds), which gives Write a Stream whose documents and payouts are read a
// page at a time as their rows are written to a Sink (a zip archive, a directory of files), so
// that an export's memory does not grow with the seller's documents.
//
// How mercato's records map to billing events (amounts from the seller's point of view):
//
//   - an invoice: INVOICED events SELLER_REV_SHARE (+pre-tax, buyer to seller), AWS_REV_SHARE
//     (-listing fee, seller to marketplace) and, when taxed, AWS_TAX_SHARE (+tax, buyer to
//     marketplace, not balance impacting: the marketplace collects and remits it);
//   - a credit memo: INVOICED events SELLER_REV_SHARE_REFUND (-pre-tax), AWS_REV_SHARE_REFUND
//     (+listing fee returned) and AWS_TAX_SHARE_REFUND (-tax), whose parent is the invoice's
//     event of the same share;
//   - a disbursement: a DISBURSED event DISBURSEMENT (-the amount paid), and for each document
//     it pays a DISBURSED event of each balance-impacting share, of the opposite sign, whose
//     disbursement_billing_event_id is the DISBURSEMENT event.
//
// Every event of an invoice and its credit memos carries the invoice's ID as
// buyer_transaction_reference_id, as AWS's queries group a buyer's line item by it. The
// listing fee is the seller's invoice: its transaction_reference_id differs.
package datafeed

import (
	"slices"
	"strings"
	"time"

	"mercato"
)

// Marketplace is the account ID the feeds give the marketplace itself, the receiver of listing
// fees and of the tax it collects (AWS in AWS's feeds).
const Marketplace = "marketplace"

// Feed is one data feed: its name (the file's base name, as AWS names the feed) and its rows
// under a header of AWS's column names.
type Feed struct {
	Name   string
	Header []string
	Rows   [][]string
}

// Source is what a seller's feeds are built from.
type Source struct {
	SellerID   string
	Accounts   []mercato.Account // the seller and the buyers of its agreements
	Products   []mercato.Product
	Offers     []mercato.Offer
	Agreements []mercato.Agreement
	Documents  []mercato.Invoice // the seller's invoices and credit memos
	Payouts    []mercato.Payout  // the seller's disbursements, with their lines
	// AsOf is the business time of the export: the update_date of the rows that describe
	// things as they are now (accounts, products, offers, agreements).
	AsOf time.Time
}

// Names of the feeds, in the order Build and Write make them.
var Names = feedNames()

// feedNames returns the names of feedWriters, in their order.
func feedNames() []string {
	names := make([]string, len(feedWriters))
	for i, f := range feedWriters {
		names[i] = f.name
	}
	return names
}

// history are the columns of AWS's feed history, which every feed ends with. The feeds are a
// snapshot: each row is valid from when its record began and was last updated at the export.
var history = []string{"valid_from", "insert_date", "update_date", "delete_date"}

// epoch is the valid_from of records whose start mercato does not keep (accounts, products,
// offers): valid since before anything that refers to them.
var epoch = time.Unix(0, 0).UTC()

// Build returns the seller's feeds, in the order of Names, with every row in memory: for a
// Source already in memory. Exports of any size Write a Stream to a Sink.
func Build(src Source) []Feed {
	var c Collector
	if err := Write(memoryStream(src), &c); err != nil {
		panic(err) // unreachable: neither the memory stream nor the collector fails
	}
	return c.Feeds
}

// ts formats a time as AWS's feeds do (ISO 8601, UTC); a zero time is empty.
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// amount formats an amount in full (up to 8 decimals), as a decimal.
func amount(a mercato.Amount) string { return a.String() }

// withHistory appends the history columns to a row.
func withHistory(row []string, validFrom, updated time.Time) []string {
	return append(row, ts(validFrom), ts(updated), ts(updated), "")
}

var accountHeader = append([]string{"account_id", "aws_account_id", "encrypted_account_id",
	"mailing_address_id", "tax_address_id", "tax_legal_name", "tax_registration_number"}, history...)

func accountRows(src *Stream, emit func([]string) error) error {
	accounts := slices.Clone(src.Accounts)
	accounts = append(accounts, mercato.Account{ID: Marketplace, Name: "Marketplace"})
	for _, a := range accounts {
		if err := emit(withHistory([]string{a.ID, a.ID, a.ID, "", "", a.Name, ""}, epoch, src.AsOf)); err != nil {
			return err
		}
	}
	return nil
}

var productHeader = append([]string{"product_id", "manufacturer_account_id", "product_code", "title"}, history...)

func productRows(src *Stream, emit func([]string) error) error {
	for _, p := range src.Products {
		code := p.ProductCode
		if code == "" {
			code = p.ID
		}
		if err := emit(withHistory([]string{p.ID, p.SellerID, code, p.Title}, epoch, src.AsOf)); err != nil {
			return err
		}
	}
	return nil
}

// offerRevision is the revision every offer has in the feeds: mercato keeps no older ones.
const offerRevision = "1"

var offerHeader = append([]string{"offer_id", "offer_revision", "name", "expiration_date",
	"opportunity_id", "opportunity_name", "opportunity_description", "seller_account_id"}, history...)

func offerRows(src *Stream, emit func([]string) error) error {
	for _, o := range src.Offers {
		// seller_account_id is empty where the product's seller made the offer, as in AWS's feed.
		if err := emit(withHistory([]string{o.ID, offerRevision, o.ID, ts(o.ExpiresAt), "", "", "",
			o.ChannelPartner}, epoch, src.AsOf)); err != nil {
			return err
		}
	}
	return nil
}

var offerTargetHeader = append([]string{"offer_target_id", "offer_id", "offer_revision",
	"target_type", "polarity", "value"}, history...)

func offerTargetRows(src *Stream, emit func([]string) error) error {
	for _, o := range src.Offers {
		for _, b := range o.Buyers {
			err := emit(withHistory([]string{o.ID + ":" + b, o.ID, offerRevision, "BuyerAccounts", "Positive", b}, epoch, src.AsOf))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

var agreementHeader = append([]string{"agreement_id", "offer_id", "proposer_account_id",
	"acceptor_account_id", "start_time", "end_time", "acceptance_time", "intent", "preceding_agreement_id",
	"status", "status_reason_code", "currency_code", "estimated_agreement_value"}, history...)

func agreementRows(src *Stream, emit func([]string) error) error {
	for _, a := range src.Agreements {
		intent := "NEW"
		if a.SourceAgreementID != "" {
			intent = "REPLACE"
		}
		value := amount(a.Value)
		if a.ProposerID != src.SellerID {
			value = "" // a partner's resale of the seller's product: the buyer's price is the partner's
		}
		err := emit(withHistory([]string{a.ID, a.OfferID, a.ProposerID, a.AcceptorID, ts(a.StartTime),
			ts(a.EndTime), ts(a.AcceptanceTime), intent, a.SourceAgreementID, string(a.Status), a.EndReason,
			string(a.Currency), value}, a.AcceptanceTime, src.AsOf))
		if err != nil {
			return err
		}
	}
	return nil
}

// period returns the start and end (exclusive) of a document's billing period.
func period(d *mercato.Invoice) (time.Time, time.Time) {
	if d.BillingPeriod.Year == 0 {
		return time.Time{}, time.Time{}
	}
	start := time.Date(d.BillingPeriod.Year, time.Month(d.BillingPeriod.Month), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

// jurisdiction splits a tax jurisdiction such as US-WA into country and state or region.
func jurisdiction(j string) (country, region string) {
	country, region, _ = strings.Cut(j, "-")
	return country, region
}

// eventID names the billing event of a share of a document, or of its disbursement.
func eventID(docID, share string) string { return "be-" + docID + "-" + strings.ToLower(share) }
