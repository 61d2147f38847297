package mercato

// Resale is what makes a deal a channel-partner private offer (CPPO): the product's maker (the
// ISV, its manufacturer) authorized a channel partner to resell it, at the maker's wholesale
// price; the partner sells it to its buyer at its own, marked-up price and is the seller of
// record (the agreement's proposer). Each invoice is split between the two in the ratio of the
// wholesale contract value to the buyer's: the maker is owed its share less its listing fee, the
// partner the markup less its own (see billing.ResaleSplit).
type Resale struct {
	AuthorizationID string `json:"resaleAuthorizationId,omitempty"`
	ManufacturerID  string `json:"manufacturer"`
	Wholesale       Amount `json:"wholesale"` // the maker's price of the whole contract
	Price           Amount `json:"price"`     // the buyer's price of the whole contract
}

// Validate reports every problem with the resale terms: a maker account, and a buyer's price
// positive and no lower than the wholesale price (a partner marks up, never down).
func (r *Resale) Validate(partnerID string) error {
	var p Problems
	if !accountIDPattern.MatchString(r.ManufacturerID) {
		p.Add("resale.manufacturer", "%q is not a 12-digit account ID", r.ManufacturerID)
	} else if r.ManufacturerID == partnerID {
		p.Add("resale.manufacturer", "the channel partner cannot resell its own product")
	}
	if r.Wholesale < 0 {
		p.Add("resale.wholesale", "must not be negative")
	}
	if r.Price <= 0 || r.Price < r.Wholesale {
		p.Add("resale.price", "must be positive and at least the wholesale price %s", r.Wholesale)
	}
	return p.Err("invalid resale terms")
}

// MakerNet returns what the document owes the product's maker in a resale: its share of the
// pre-tax amount less its share of the listing fee (negative for a credit memo's, as payout
// lines count them). It is zero for a direct deal.
func (inv *Invoice) MakerNet() Amount { return inv.MakerAmount - inv.MakerFee }

// ProposerNet returns what the document owes the seller of record: the pre-tax amount less
// the listing fee, less the maker's net in a resale.
func (inv *Invoice) ProposerNet() Amount { return inv.PreTax - inv.ListingFee - inv.MakerNet() }
