package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mercato"
)

// The Catalog API writes an offer's terms as the Agreement API's term variants with PascalCase
// keys and a Type discriminator instead of a union wrapper:
//
//	{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "0.00", "Duration": "P12M"}
//
// is the Agreement API's {"fixedUpfrontPricingTerm": {"currencyCode": "USD", ...}}. Dates inside
// Details are YYYY-MM-DD where the Agreement API has timestamps. The converters below go both
// ways, so one term type (mercato.Term) holds what both APIs read and write.

// catalogDateKeys are the members that the Catalog API writes as YYYY-MM-DD dates.
var catalogDateKeys = map[string]bool{"ChargeDate": true, "AgreementStartDate": true, "AgreementEndDate": true}

// catalogTermKinds are the term types a change may set, with the change types that set them.
var catalogTermKinds = map[string]string{
	"LegalTerm": "UpdateLegalTerms", "SupportTerm": "UpdateSupportTerms", "RenewalTerm": "UpdateRenewalTerms",
	"ValidityTerm": "UpdateValidityTerms", "PaymentScheduleTerm": "UpdatePaymentScheduleTerms",
	"UsageBasedPricingTerm": "UpdatePricingTerms", "ConfigurableUpfrontPricingTerm": "UpdatePricingTerms",
	"FixedUpfrontPricingTerm": "UpdatePricingTerms", "RecurringPaymentTerm": "UpdatePricingTerms",
	"FreeTrialPricingTerm": "UpdatePricingTerms", "ByolPricingTerm": "UpdatePricingTerms",
	"VariablePaymentTerm": "UpdatePricingTerms", "NetPaymentTerm": "UpdateNetPaymentTerms",
}

// decodeCatalogTerm converts one term of a change's Details, at field path (e.g. "Terms[0]"),
// into a mercato.Term of a kind the change type sets. Its error names the field at fault.
func decodeCatalogTerm(raw json.RawMessage, field, changeType string) (mercato.Term, error) {
	var obj map[string]any
	if err := strictJSON(raw, &obj); err != nil || obj == nil {
		return mercato.Term{}, fieldError(field, "must be an object")
	}
	kind, _ := obj["Type"].(string)
	if want, ok := catalogTermKinds[kind]; !ok || want != changeType {
		return mercato.Term{}, fieldError(field+".Type", "%q is not a term type that %s sets", kind, changeType)
	}
	delete(obj, "Type")
	if kind == "RenewalTerm" {
		if err := renewalToAgreement(obj, field); err != nil {
			return mercato.Term{}, err
		}
	}
	if err := datesToAgreement(obj, field); err != nil {
		return mercato.Term{}, err
	}
	wrapped := map[string]any{lowerFirst(kind): lowerKeys(obj)}
	b, _ := json.Marshal(wrapped)
	var t mercato.Term
	if err := strictJSON(b, &t); err != nil {
		return mercato.Term{}, fieldError(field+jsonErrorField(err), "%s", jsonErrorMessage(err))
	}
	return t, nil
}

// encodeCatalogTerm converts a term into the Catalog API's form.
func encodeCatalogTerm(t mercato.Term) map[string]any {
	b, _ := json.Marshal(t)
	var wrapped map[string]map[string]any
	json.Unmarshal(b, &wrapped) //nolint:errcheck // the term was just encoded
	for kind, inner := range wrapped {
		out := upperKeys(inner).(map[string]any)
		out["Type"] = strings.ToUpper(kind[:1]) + kind[1:]
		datesToCatalog(out)
		if kind == "renewalTerm" {
			renewalToCatalog(out)
		}
		return out
	}
	return map[string]any{}
}

// strictJSON decodes b into v, refusing members v does not know.
func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// jsonErrorField returns the Catalog path (".Schedule.ChargeAmount") of the member a decoding
// error is about, or "".
func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return catalogPath(te.Field)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "." + upperFirst(strings.Trim(name, `"`))
	}
	return ""
}

// jsonErrorMessage says what is wrong with a member, in the Catalog API's words.
func jsonErrorMessage(err error) string {
	var te *json.UnmarshalTypeError
	var me *mercato.Error
	switch {
	case errors.As(err, &te):
		return "must not be a JSON " + te.Value
	case errors.As(err, &me):
		return me.Message
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "is not a member of this term"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// catalogPath turns a dotted Agreement-API path ("schedule.chargeAmount", possibly with a union
// key first) into the Catalog's (".Schedule.ChargeAmount").
func catalogPath(p string) string {
	var b strings.Builder
	for i, seg := range strings.Split(p, ".") {
		if i == 0 && strings.HasSuffix(seg, "Term") {
			continue // the union key the Catalog writes as Type
		}
		b.WriteString("." + upperFirst(seg))
	}
	return b.String()
}

// problemField turns a field name of mercato's validation ("terms[0].fixedUpfrontPricingTerm.price")
// into the Catalog's ("Terms[0].Price").
func problemField(name string) string {
	var parts []string
	for _, seg := range strings.Split(name, ".") {
		if strings.HasSuffix(seg, "Term") && seg[0] >= 'a' && seg[0] <= 'z' {
			continue
		}
		parts = append(parts, upperFirst(seg))
	}
	return strings.Join(parts, ".")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerKeys returns v with the first letter of every object key lowered, recursively.
func lowerKeys(v any) any { return mapKeys(v, lowerFirst) }

// upperKeys returns v with the first letter of every object key raised, recursively.
func upperKeys(v any) any { return mapKeys(v, upperFirst) }

func mapKeys(v any, f func(string) string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[f(k)] = mapKeys(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapKeys(e, f)
		}
		return out
	}
	return v
}

// datesToAgreement rewrites the YYYY-MM-DD dates of a Catalog term (at any depth) as RFC 3339
// midnights UTC.
func datesToAgreement(v any, field string) error {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && catalogDateKeys[k] {
				d, err := time.Parse(time.DateOnly, s)
				if err != nil {
					return fieldError(field+"."+k, "%q is not a date YYYY-MM-DD", s)
				}
				x[k] = d.UTC().Format(time.RFC3339)
				continue
			}
			if err := datesToAgreement(e, field+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := datesToAgreement(e, fmt.Sprintf("%s[%d]", field, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// datesToCatalog rewrites RFC 3339 dates of an encoded term as YYYY-MM-DD.
func datesToCatalog(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && catalogDateKeys[k] {
				if t, err := time.Parse(time.RFC3339, s); err == nil {
					x[k] = t.UTC().Format(time.DateOnly)
				}
				continue
			}
			datesToCatalog(e)
		}
	case []any:
		for _, e := range x {
			datesToCatalog(e)
		}
	}
}

// renewalToAgreement rewrites a Catalog RenewalTerm's PriceIncrease ({"Type": "FixedPercentage",
// "Value": "5"}) as the Agreement API's union ({"FixedPercentage": {"Value": "5"}}); the keys
// are lowered afterwards. TermTemplates are not kept: renewals use the offer's own schedule.
func renewalToAgreement(obj map[string]any, field string) error {
	delete(obj, "TermTemplates")
	pi, ok := obj["PriceIncrease"].(map[string]any)
	if !ok {
		return nil
	}
	typ, _ := pi["Type"].(string)
	delete(pi, "Type")
	switch typ {
	case "FixedPercentage":
		obj["PriceIncrease"] = map[string]any{"FixedPercentage": pi}
	case "PercentageRange":
		obj["PriceIncrease"] = map[string]any{"PercentageRange": pi["Range"]}
	default:
		return fieldError(field+".PriceIncrease.Type", "must be FixedPercentage or PercentageRange")
	}
	return nil
}

// renewalToCatalog is renewalToAgreement's reverse, on an encoded RenewalTerm.
func renewalToCatalog(out map[string]any) {
	pi, ok := out["PriceIncrease"].(map[string]any)
	if !ok {
		return
	}
	if f, ok := pi["FixedPercentage"].(map[string]any); ok {
		f["Type"] = "FixedPercentage"
		out["PriceIncrease"] = f
	} else if r, ok := pi["PercentageRange"]; ok {
		out["PriceIncrease"] = map[string]any{"Type": "PercentageRange", "Range": r}
	}
}
