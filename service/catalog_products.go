package service

import (
	"fmt"
	"slices"

	"mercato"
)

// Product change types the Catalog API offers and the seeds need, each a function of the plan.
var productChanges = map[string]func(*catalogPlan, *mercato.Change, *mercato.Product) error{
	"UpdateInformation": (*catalogPlan).updateProductInformation,
	"AddDimensions":     (*catalogPlan).addDimensions,
	"UpdateTargeting":   (*catalogPlan).updateProductTargeting,
	"ReleaseProduct":    (*catalogPlan).releaseProduct,
	"UpdateVisibility":  (*catalogPlan).updateVisibility,
}

// applyProduct applies a change to a product entity of the type the change names.
func (p *catalogPlan) applyProduct(ch *mercato.Change) error {
	fn, ok := productChanges[ch.ChangeType]
	if !ok {
		return invalid("INVALID_CHANGE_TYPE", "ChangeType", "ChangeType %s is not a change type of %s", ch.ChangeType, ch.EntityType)
	}
	if ch.EntityID == "" {
		return invalid("MISSING_ENTITY_IDENTIFIER", "Entity.Identifier", "Entity.Identifier is required for %s", ch.ChangeType)
	}
	pr, err := p.product(ch.EntityID)
	if err != nil {
		return err
	}
	if catalogEntityTypes[ch.EntityType] != pr.Type {
		return invalid("INVALID_ENTITY_TYPE", "Entity.Type", "Entity.Type %s does not match product %s, a %s product", ch.EntityType, pr.ID, pr.Type)
	}
	return fn(p, ch, pr)
}

// updateProductInformation sets a product's title.
func (p *catalogPlan) updateProductInformation(ch *mercato.Change, pr *mercato.Product) error {
	var d struct {
		ProductTitle, ShortDescription, LongDescription, Sku, LogoUrl, VideoUrls, Highlights, AdditionalResources, SupportDescription, Categories, SearchKeywords any
	}
	if err := decodeDetails(ch, &d); err != nil {
		return err
	}
	if d.ProductTitle != nil {
		title, ok := d.ProductTitle.(string)
		if !ok || title == "" || len([]rune(title)) > 255 {
			return fieldError("Details.ProductTitle", "must be a string of 1 to 255 characters")
		}
		pr.Title = title
	}
	return nil
}

// addDimensions adds pricing dimensions to a product; a key it has is refused.
func (p *catalogPlan) addDimensions(ch *mercato.Change, pr *mercato.Product) error {
	var d []struct {
		Key, Description, Name, Unit string
		Types                        []string
	}
	if err := decodeDetails(ch, &d); err != nil {
		return err
	}
	for i, dim := range d {
		f := fmt.Sprintf("Details[%d]", i)
		if dim.Key == "" || len(dim.Key) > 100 {
			return fieldError(f+".Key", "must be 1 to 100 characters")
		}
		if _, ok := pr.Dimension(dim.Key); ok {
			return invalid("DUPLICATE_DIMENSION", f+".Key", "%s.Key %q is a dimension of product %s already", f, dim.Key, pr.ID)
		}
		metered := false
		for _, t := range dim.Types {
			metered = metered || t == "Metered" || t == "ExternallyMetered"
		}
		pr.Dimensions = append(pr.Dimensions, mercato.Dimension{Key: dim.Key, Unit: dim.Unit, Metered: metered})
	}
	return nil
}

// updateProductTargeting replaces a product's allow-list: the buyer accounts that may see it and
// accept its offers while it is limited (productVisibleTo). Allow-listing is once per product, so
// every offer of the product follows it. A public product keeps the list for when it is limited.
func (p *catalogPlan) updateProductTargeting(ch *mercato.Change, pr *mercato.Product) error {
	var d struct{ PositiveTargeting *targeting }
	if err := decodeDetails(ch, &d); err != nil {
		return err
	}
	if d.PositiveTargeting == nil {
		return fieldError("Details.PositiveTargeting", "is required: the allow-list as PositiveTargeting.BuyerAccounts")
	}
	pos := *d.PositiveTargeting
	if len(pos.CountryCodes) > 0 {
		return fieldError("Details.PositiveTargeting.CountryCodes", "is not supported for a product: target countries in its offers")
	}
	if len(pos.BuyerAccounts) > mercato.MaxAllowedBuyers {
		return invalid("INVALID_BUYER_ACCOUNTS", "Details.PositiveTargeting.BuyerAccounts",
			"Details.PositiveTargeting.BuyerAccounts holds %d accounts; at most %d", len(pos.BuyerAccounts), mercato.MaxAllowedBuyers)
	}
	seen := map[string]bool{}
	for i, b := range pos.BuyerAccounts {
		if !accountPattern.MatchString(b) || seen[b] {
			return invalid("INVALID_BUYER_ACCOUNTS", fmt.Sprintf("Details.PositiveTargeting.BuyerAccounts[%d]", i),
				"Details.PositiveTargeting.BuyerAccounts[%d] %q is not a 12-digit account ID, or is listed twice", i, b)
		}
		seen[b] = true
	}
	pr.AllowedBuyers = slices.Clone(pos.BuyerAccounts)
	return nil
}

// releaseProduct makes a product public.
func (p *catalogPlan) releaseProduct(ch *mercato.Change, pr *mercato.Product) error {
	var d struct{}
	if err := decodeDetails(ch, &d); err != nil {
		return err
	}
	pr.Visibility = "public"
	return nil
}

// updateVisibility makes a product public or limited.
func (p *catalogPlan) updateVisibility(ch *mercato.Change, pr *mercato.Product) error {
	var d struct{ TargetVisibility string }
	if err := decodeDetails(ch, &d); err != nil {
		return err
	}
	switch d.TargetVisibility {
	case "Public":
		pr.Visibility = "public"
	case "Limited":
		pr.Visibility = "limited"
	case "Restricted": // AWS's: no new buyers, while agreements made stay
		pr.Visibility = "restricted"
	default:
		return fieldError("Details.TargetVisibility", "must be Public, Limited or Restricted")
	}
	return nil
}
