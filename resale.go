package mercato

import "fmt"

// Resale is what makes a deal a channel-partner private offer (CPPO): the product's maker (the
// ISV, its manufacturer) authorized a channel partner to resell it, at the maker's wholesale
// price; the partner sells it to its buyer at its own, marked-up price and is the seller of
// record (the agreement's proposer). Each invoice line is split between the two: a usage line
// or a configured contract's line gives the maker exactly its own rates for the quantities
// (Rates); the other lines are split in the ratio of the wholesale contract
// value to the buyer's. The maker is owed its share less its listing fee, the partner the
// markup less its own (see billing.ResaleInvoiceSplit).
type Resale struct {
	AuthorizationID string `json:"resaleAuthorizationId,omitempty"`
	ManufacturerID  string `json:"manufacturer"`
	Wholesale       Amount `json:"wholesale"` // the maker's price of the whole contract
	Price           Amount `json:"price"`     // the buyer's price of the whole contract
	// Rates are the maker's own rates, for lines whose value is not known in advance; nil for a
	// fixed or scheduled contract. A pointer keeps Resale comparable; it is never changed in place.
	Rates *ResaleRates `json:"rates,omitempty"`
	// Reauthorized marks an agreement-based offer made with an authorization
	// (CreateReplacementOfferUsingResaleAuthorization): priced afresh, and checked against the
	// authorization when released, where a plain replacement keeps the replaced agreement's terms.
	Reauthorized bool `json:"reauthorized,omitempty"`
}

// Rated reports whether the maker is paid its own rates for some lines (usage or a configured
// contract), whose value is not known in advance: the contract's price may then be zero.
func (r *Resale) Rated() bool {
	return len(r.usageRates()) > 0 || len(r.ContractRates()) > 0
}

// ResaleRates are a maker's wholesale rates: per unit of metered dimensions (from a
// ResaleUsageBasedPricingTerm), and its rate cards of a configurable contract by selector (from
// a ResaleConfigurableUpfrontPricingTerm).
type ResaleRates struct {
	Usage    []RateCardItem                `json:"usage,omitempty"`
	Contract []ConfigurableUpfrontRateCard `json:"contract,omitempty"`
}

// UsageRate returns the maker's rate of a dimension, and whether it has one.
func (r *Resale) UsageRate(dim string) (Amount, bool) {
	if dim == "" {
		return 0, false
	}
	for _, it := range r.usageRates() {
		if it.DimensionKey == dim {
			return it.Price, true
		}
	}
	return 0, false
}

// ContractRates returns the maker's rate cards of a configurable contract, or nil.
func (r *Resale) ContractRates() []ConfigurableUpfrontRateCard {
	if r.Rates == nil {
		return nil
	}
	return r.Rates.Contract
}

// Validate reports every problem with the resale terms: a maker account, and a buyer's price
// no lower than the wholesale price (a partner marks up, never down), positive unless the maker
// is paid its own rates for usage or a configured contract.
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
	if (r.Price <= 0 && !r.Rated()) || r.Price < r.Wholesale {
		p.Add("resale.price", "must be positive and at least the wholesale price %s", r.Wholesale)
	}
	for i, it := range r.usageRates() {
		if it.Price < 0 {
			p.Add(fmt.Sprintf("resale.rates.usage[%d].price", i), "must not be negative")
		}
	}
	for i, rc := range r.ContractRates() {
		for j, it := range rc.RateCard {
			if it.Price < 0 {
				p.Add(fmt.Sprintf("resale.rates.contract[%d].rateCard[%d].price", i, j), "must not be negative")
			}
		}
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

// usageRates returns the maker's per-unit rates of usage, or nil.
func (r *Resale) usageRates() []RateCardItem {
	if r.Rates == nil {
		return nil
	}
	return r.Rates.Usage
}
