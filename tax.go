package mercato

// Jurisdiction is a place whose indirect tax applies to a buyer. In a marketplace-facilitator
// jurisdiction the marketplace computes, collects and remits the tax in its own name; elsewhere
// it charges none and the seller answers for its own tax.
type Jurisdiction struct {
	Code            string
	Facilitator     bool
	TaxType         string // ST (sales tax), VAT, GST, JCT
	Rate            Rate
	InvoicingEntity InvoicingEntity
}

// InvoicingEntity is the legal entity that issues the buyer's invoice.
type InvoicingEntity struct {
	LegalName  string `json:"legalName"`
	BranchName string `json:"branchName,omitempty"`
}

// Invoicing entities of the marketplace operator, by region.
var (
	EntityUS        = InvoicingEntity{LegalName: "Mercato Marketplace, Inc."}
	EntityEurope    = InvoicingEntity{LegalName: "Mercato Marketplace Europe S.à r.l."}
	EntityAustralia = InvoicingEntity{LegalName: "Mercato Marketplace Australia Pty Ltd"}
	EntityJapan     = InvoicingEntity{LegalName: "Mercato Marketplace Japan G.K."}
)

// jurisdictions is the tax table. Rates are the standard rates the marketplace applies to
// software; the table is small on purpose: an operator extends it, it is not a tax engine.
var jurisdictions = map[string]Jurisdiction{
	"US-WA": {Facilitator: true, TaxType: "ST", Rate: Percent(650), InvoicingEntity: EntityUS},
	"US-NY": {Facilitator: true, TaxType: "ST", Rate: Percent(400), InvoicingEntity: EntityUS},
	"US-TX": {Facilitator: true, TaxType: "ST", Rate: Percent(625), InvoicingEntity: EntityUS},
	"US-CA": {Facilitator: true, TaxType: "ST", Rate: 0, InvoicingEntity: EntityUS}, // SaaS not taxed
	"US-OR": {Facilitator: false, TaxType: "ST", Rate: 0, InvoicingEntity: EntityUS},
	"US-MO": {Facilitator: false, TaxType: "ST", Rate: Percent(4225), InvoicingEntity: EntityUS},
	"DE":    {Facilitator: true, TaxType: "VAT", Rate: Percent(1900), InvoicingEntity: EntityEurope},
	"FR":    {Facilitator: true, TaxType: "VAT", Rate: Percent(2000), InvoicingEntity: EntityEurope},
	"GB":    {Facilitator: true, TaxType: "VAT", Rate: Percent(2000), InvoicingEntity: EntityEurope},
	"AU":    {Facilitator: true, TaxType: "GST", Rate: Percent(1000), InvoicingEntity: EntityAustralia},
	"JP":    {Facilitator: true, TaxType: "JCT", Rate: Percent(1000), InvoicingEntity: EntityJapan},
	"US":    {Facilitator: false, TaxType: "ST", Rate: 0, InvoicingEntity: EntityUS},
}

// LookupJurisdiction returns the jurisdiction with the code. The empty code means "US": no
// facilitator tax.
func LookupJurisdiction(code string) (Jurisdiction, bool) {
	if code == "" {
		code = "US"
	}
	j, ok := jurisdictions[code]
	j.Code = code
	return j, ok
}
