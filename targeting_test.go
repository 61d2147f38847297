package mercato

import "testing"

func TestCountryTargeting(t *testing.T) {
	for _, c := range []struct {
		jurisdiction       string
		countries, exclude []string
		want               bool
	}{
		{"US-WA", nil, nil, true},            // no targeting: everywhere
		{"US-WA", []string{"US"}, nil, true}, // a US state is in the US
		{"DE", []string{"US"}, nil, false},
		{"", []string{"US"}, nil, true}, // no jurisdiction: US, as for tax
		{"", []string{"DE"}, nil, false},
		{"JP", []string{"US", "JP"}, nil, true},
		{"DE", nil, []string{"DE", "FR"}, false},
		{"US-NY", nil, []string{"DE"}, true},
		{"", nil, []string{"US"}, false},
	} {
		a := Account{TaxJurisdiction: c.jurisdiction}
		o := Offer{Listing: OfferListing{Countries: c.countries, ExcludedCountries: c.exclude}}
		if got := o.AvailableIn(a.Country()); got != c.want {
			t.Errorf("%q (country %s), targeting %v excluding %v: available %v, want %v",
				c.jurisdiction, a.Country(), c.countries, c.exclude, got, c.want)
		}
	}
}
