package datafeed

import "mercato"

// In a resale (a channel-partner private offer) the buyer pays the partner, the seller of
// record, and the partner owes the product's maker its wholesale share. As in AWS's feeds, each
// party's billing events show its own side, so that its feed sums to what it is paid out:
//
//   - the partner's: the buyer's SELLER_REV_SHARE (+pre-tax, buyer to partner); the wholesale
//     cost, a SELLER_REV_SHARE from the partner to the maker (-the maker's amount), which AWS's
//     published queries count as the cost of goods because its receiver is not the feed's
//     seller; the partner's own listing fee, AWS_REV_SHARE (-(fee - the maker's fee)); and
//     the buyer's tax, AWS_TAX_SHARE, not balance impacting;
//   - the maker's: its wholesale share as SELLER_REV_SHARE from the partner (+the maker's
//     amount) and its own listing fee, AWS_REV_SHARE (-the maker's fee). It sees no buyer's
//     price and no tax: both are the partner's business.
//
// A credit memo's shares are the _REFUND of its invoice's, with the maker's and the partner's
// parts of the memo (billing.ResaleCredit). The partner is the reseller: the from (or to)
// account of the maker's events; the maker is the partner's product's manufacturer_account_id.

// wholesaleKey names the partner's wholesale-cost share in event IDs.
const wholesaleKey = "WHOLESALE_SELLER_REV_SHARE"

// resaleShares returns a resale document's shares as seller (the partner or the maker) sees them.
func resaleShares(d *mercato.Invoice, seller string) []share {
	partnerFee := d.ListingFee - d.MakerFee
	ref := d.ID // the invoice the shares are of: a credit memo's are of its original's
	if d.Type == mercato.InvoiceTypeCreditMemo {
		ref = d.OriginalInvoiceID
	}
	fee := "fee-" + ref
	if seller == d.MakerID && seller != d.SellerID {
		makerFee := fee + "-" + d.MakerID
		if d.Type == mercato.InvoiceTypeCreditMemo {
			return []share{
				{kind: "SELLER_REV_SHARE_REFUND", from: d.MakerID, to: d.SellerID, amount: -d.MakerAmount, impacting: true, reference: ref},
				{kind: "AWS_REV_SHARE_REFUND", from: Marketplace, to: d.MakerID, amount: d.MakerFee, impacting: true, reference: makerFee},
			}
		}
		return []share{
			{kind: "SELLER_REV_SHARE", from: d.SellerID, to: d.MakerID, amount: d.MakerAmount, impacting: true, reference: ref},
			{kind: "AWS_REV_SHARE", from: d.MakerID, to: Marketplace, amount: -d.MakerFee, impacting: true, reference: makerFee},
		}
	}
	if d.Type == mercato.InvoiceTypeCreditMemo {
		return []share{
			{kind: "SELLER_REV_SHARE_REFUND", from: d.SellerID, to: d.BuyerID, amount: -d.PreTax, impacting: true, reference: ref},
			{kind: "SELLER_REV_SHARE_REFUND", from: d.MakerID, to: d.SellerID, amount: d.MakerAmount, impacting: true, reference: ref, key: wholesaleKey + "_REFUND"},
			{kind: "AWS_REV_SHARE_REFUND", from: Marketplace, to: d.SellerID, amount: partnerFee, impacting: true, reference: fee},
			{kind: "AWS_TAX_SHARE_REFUND", from: Marketplace, to: d.BuyerID, amount: -d.Tax, reference: ref},
		}
	}
	return []share{
		{kind: "SELLER_REV_SHARE", from: d.BuyerID, to: d.SellerID, amount: d.PreTax, impacting: true, reference: ref},
		{kind: "SELLER_REV_SHARE", from: d.SellerID, to: d.MakerID, amount: -d.MakerAmount, impacting: true, reference: ref, key: wholesaleKey},
		{kind: "AWS_REV_SHARE", from: d.SellerID, to: Marketplace, amount: -partnerFee, impacting: true, reference: fee},
		{kind: "AWS_TAX_SHARE", from: d.BuyerID, to: Marketplace, amount: d.Tax, reference: ref},
	}
}
