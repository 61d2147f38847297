package billing

import "mercato"

// FeeInput is what decides an agreement's listing fee.
type FeeInput struct {
	ProductType    mercato.ProductType
	Private        bool
	Renewal        bool
	ChannelPartner bool           // a channel-partner (reseller) private offer
	ContractValue  mercato.Amount // total contract value, pre-tax
}

// Contract-value thresholds of the private-offer fee tiers, in currency units.
var (
	tierOneMillion = mercato.Amount(1_000_000 * mercato.AmountScale)
	tierTenMillion = mercato.Amount(10_000_000 * mercato.AmountScale)
)

// ListingFeeRate returns the marketplace's listing fee rate on the pre-tax amount:
//   - public offers: 3% for SaaS and data products, 20% for server products (AMI, container);
//   - private offers: 3% below 1M of contract value, 2% from 1M, 1.5% from 10M;
//     professional services 2.5%; renewals 1.5% whatever their value;
//   - channel-partner offers pay 0.5 points more.
//
// The tiers compare the contract value in its own currency: the table holds no exchange rates.
func ListingFeeRate(in FeeInput) mercato.Rate {
	var r mercato.Rate
	switch {
	case !in.Private && (in.ProductType == mercato.ProductAMI || in.ProductType == mercato.ProductContainer):
		r = mercato.Percent(2000)
	case !in.Private:
		r = mercato.Percent(300)
	case in.Renewal:
		r = mercato.Percent(150)
	case in.ProductType == mercato.ProductProfessionalServices:
		r = mercato.Percent(250)
	case in.ContractValue >= tierTenMillion:
		r = mercato.Percent(150)
	case in.ContractValue >= tierOneMillion:
		r = mercato.Percent(200)
	default:
		r = mercato.Percent(300)
	}
	if in.ChannelPartner {
		r += mercato.Percent(50)
	}
	return r
}
