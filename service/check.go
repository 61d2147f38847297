package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mercato"
)

// Violation is a money or agreement invariant that the data breaks: which rule, about what
// (an invoice, an account, an agreement) and the amounts that disagree.
type Violation struct {
	Rule    string `json:"rule"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
}

func (v Violation) String() string { return v.Rule + ": " + v.Subject + ": " + v.Detail }

// Invariant rules that Check proves.
const (
	RuleLedgerBalanced     = "ledger-balanced"       // the postings of every currency sum to zero
	RuleMinorUnits         = "minor-units"           // invoiced, credited and paid amounts are whole minor units
	RuleCreditWithinInv    = "credit-within-invoice" // credit memos never exceed the invoice's pre-tax amount or its tax
	RuleCreditedTotals     = "credited-totals"       // an invoice's credited totals are its memos' sums, within what was reserved
	RuleReceivableOpened   = "receivable-opened"     // an invoice issued before the last settlement has a receivable
	RuleCollectedIsPaid    = "collected-is-paid"     // a receivable's collected amount is its payments less its refunds
	RuleRefundOverpayment  = "refund-overpayment"    // refunds of an invoice are its overpayment, paid once
	RuleBuyerReceivable    = "buyer-receivable"      // a buyer's ledger receivable is its documents less its payments
	RuleSellerPayable      = "seller-payable"        // a seller's ledger payable is its documents' net less its payouts
	RuleDisbursedCollected = "disbursed-collected"   // a seller is never paid out more than was collected, less fees
	RulePayoutLines        = "payout-lines"          // a payout is the sum of its lines
	RuleReplacedNotActive  = "replaced-not-active"   // an agreement that was replaced is not active
	RuleOneActive          = "one-active-agreement"  // one active agreement per buyer and product where the type allows one
	RuleInvoicePayer       = "invoice-payer"         // an invoice is billed to its buyer's payer, and its credit memos to the same account
	RuleResaleSplit        = "resale-split"          // a resale's maker and partner get their shares; both with the fees make the collected amount
	RuleRenewalPrice       = "renewal-price"         // a renewal's prices are its source's raised by the increase that applied, its wholesale following
)

// Rules lists every rule Check proves, in the order it proves them.
var Rules = []string{RuleLedgerBalanced, RuleMinorUnits, RuleCreditWithinInv, RuleCreditedTotals,
	RuleReceivableOpened, RuleCollectedIsPaid, RuleRefundOverpayment, RuleBuyerReceivable,
	RuleSellerPayable, RuleDisbursedCollected, RulePayoutLines, RuleReplacedNotActive, RuleOneActive,
	RuleInvoicePayer, RuleResaleSplit, RuleRenewalPrice}

// Check proves every money and agreement invariant on the store's data and returns the
// violations, each naming its invoice, account or agreement and the amounts that disagree. An
// empty result means the books are sound. It reads every document: an operator runs it through
// `mercato check`, and the tests after every scenario. A running server may keep writing: each
// rule holds in any committed state, since the whole check reads one snapshot.
func (s *Service) Check(ctx context.Context) ([]Violation, error) {
	var out []Violation
	err := s.view(ctx, func(tx mercato.Tx) error {
		b, err := loadBooks(tx)
		if err != nil {
			return err
		}
		out = b.check()
		return nil
	})
	return out, err
}

// CheckBooks is Check as an error: nil when the books are sound, EInternal listing the
// violations (the first 20) otherwise.
func (s *Service) CheckBooks(ctx context.Context) error {
	vs, err := s.Check(ctx)
	if err != nil || len(vs) == 0 {
		return err
	}
	lines := make([]string, 0, min(len(vs), 20))
	for _, v := range vs[:min(len(vs), 20)] {
		lines = append(lines, v.String())
	}
	more := ""
	if len(vs) > 20 {
		more = fmt.Sprintf("\n... and %d more", len(vs)-20)
	}
	return mercato.Errorf(mercato.EInternal, "%d invariant violations:\n%s%s", len(vs), strings.Join(lines, "\n"), more)
}

// books is everything the invariants read, in one snapshot.
type books struct {
	imbalance   map[mercato.Currency]mercato.Amount
	invoices    []mercato.Invoice
	memos       map[string][]mercato.Invoice // by original invoice
	receivables map[string]mercato.Receivable
	payments    map[string][]mercato.Payment // by invoice
	payouts     []mercato.Payout
	lines       map[string][]mercato.PayoutLine // by payout
	agreements  []mercato.Agreement
	payers      map[string]string // account → the account its invoices are billed to
	byAgreement map[string]*mercato.Agreement
	// horizon is the due time of the last settlement that ran: memos issued before it are
	// settled, so their invoice's overpayment is refunded by then.
	horizon  time.Time
	balances map[string]mercato.Amount // ledger account + currency -> balance
	// resaleCharges are the charges of each invoice of a resale priced at the maker's rates.
	resaleCharges map[string][]mercato.Charge
}

func loadBooks(tx mercato.Tx) (*books, error) {
	b := &books{memos: map[string][]mercato.Invoice{}, receivables: map[string]mercato.Receivable{},
		payments: map[string][]mercato.Payment{}, lines: map[string][]mercato.PayoutLine{}, balances: map[string]mercato.Amount{}}
	var err error
	if b.imbalance, err = tx.LedgerImbalance(); err != nil {
		return nil, err
	}
	all, err := tx.ListInvoices(mercato.InvoiceFilter{})
	if err != nil {
		return nil, err
	}
	for _, inv := range all {
		if inv.Type == mercato.InvoiceTypeCreditMemo {
			b.memos[inv.OriginalInvoiceID] = append(b.memos[inv.OriginalInvoiceID], inv)
		} else {
			b.invoices = append(b.invoices, inv)
		}
	}
	rs, err := tx.ListReceivables(mercato.ReceivableFilter{})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		b.receivables[r.InvoiceID] = r
	}
	ps, err := tx.ListPayments(mercato.PaymentFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		b.payments[p.InvoiceID] = append(b.payments[p.InvoiceID], p)
	}
	if b.payouts, err = tx.ListPayouts(mercato.PayoutFilter{}); err != nil {
		return nil, err
	}
	ls, err := tx.ListPayoutLines(mercato.PayoutLineFilter{})
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		b.lines[l.PayoutID] = append(b.lines[l.PayoutID], l)
	}
	if b.agreements, err = tx.ListAgreements(mercato.AgreementFilter{}); err != nil {
		return nil, err
	}
	if b.payers, err = loadPayers(tx); err != nil {
		return nil, err
	}
	if err := b.loadResaleCharges(tx); err != nil {
		return nil, err
	}
	// The horizon comes from the settlement jobs that finished, not from the setting that
	// settle itself keeps: a check trusts no record of the code it checks where it has another.
	settled, err := tx.ListJobs(mercato.JobFilter{Kind: jobSettle, Status: mercato.JobDone})
	if err != nil {
		return nil, err
	}
	if len(settled) > 0 {
		b.horizon = settled[len(settled)-1].DueAt
	}
	return b, b.loadBalances(tx)
}

// loadBalances reads the ledger balance of every buyer's receivable and seller's payable
// account in the currencies of their documents.
func (b *books) loadBalances(tx mercato.Tx) error {
	read := func(account string, c mercato.Currency) error {
		k := balanceKey(account, c)
		if _, ok := b.balances[k]; ok {
			return nil
		}
		v, err := tx.LedgerBalance(account, c)
		b.balances[k] = v
		return err
	}
	for _, inv := range b.invoices {
		if err := read(mercato.LedgerBuyerReceivable(inv.BuyerID), inv.Currency); err != nil {
			return err
		}
		if err := read(mercato.LedgerSellerPayable(inv.SellerID), inv.Currency); err != nil {
			return err
		}
		if inv.MakerID != "" {
			if err := read(mercato.LedgerSellerPayable(inv.MakerID), inv.Currency); err != nil {
				return err
			}
		}
	}
	for _, p := range b.payouts {
		if err := read(mercato.LedgerSellerPayable(p.SellerID), p.Currency); err != nil {
			return err
		}
	}
	return nil
}

func balanceKey(account string, c mercato.Currency) string { return account + "\x00" + string(c) }

func (b *books) check() []Violation {
	var out []Violation
	add := func(rule, subject, format string, args ...any) {
		out = append(out, Violation{Rule: rule, Subject: subject, Detail: fmt.Sprintf(format, args...)})
	}
	for c, v := range b.imbalance {
		if v != 0 {
			add(RuleLedgerBalanced, "currency "+string(c), "the postings sum to %s %s, not 0", v, c)
		}
	}
	for i := range b.invoices {
		b.checkInvoice(&b.invoices[i], add)
	}
	b.checkAccounts(add)
	b.checkPayouts(add)
	b.checkResales(add)
	b.checkAgreements(add)
	b.checkRenewals(add)
	slices.SortStableFunc(out, func(x, y Violation) int { return strings.Compare(x.Rule, y.Rule) })
	return out
}

type addFunc func(rule, subject, format string, args ...any)

// checkInvoice proves the rules of one invoice, its credit memos and its receivable.
func (b *books) checkInvoice(inv *mercato.Invoice, add addFunc) {
	subject := "invoice " + inv.ID
	c := inv.Currency
	memos := b.memos[inv.ID]
	for _, d := range append([]mercato.Invoice{*inv}, memos...) {
		for _, a := range []mercato.Amount{d.PreTax, d.Tax, d.ListingFee} {
			if !a.IsMinorUnits(c) {
				add(RuleMinorUnits, string(d.Type)+" "+d.ID, "%s", mercato.MinorUnitsProblem(a, c))
				break
			}
		}
	}
	var memoPreTax, memoTax, memoFee mercato.Amount
	for _, m := range memos {
		memoPreTax, memoTax, memoFee = memoPreTax+m.PreTax, memoTax+m.Tax, memoFee+m.ListingFee
	}
	if memoPreTax > inv.PreTax || memoTax > inv.Tax {
		add(RuleCreditWithinInv, subject, "credit memos of %s pre-tax and %s tax exceed the invoice's %s and %s %s",
			memoPreTax, memoTax, inv.PreTax, inv.Tax, c)
	}
	if memoPreTax != inv.Credited || memoTax != inv.CreditedTax || memoFee != inv.CreditedFee {
		add(RuleCreditedTotals, subject, "credited %s, tax %s, fee %s, but its %d credit memos sum to %s, %s, %s %s",
			inv.Credited, inv.CreditedTax, inv.CreditedFee, len(memos), memoPreTax, memoTax, memoFee, c)
	}
	if inv.Credited > inv.Refunded || inv.Refunded > inv.PreTax {
		add(RuleCreditedTotals, subject, "credited %s, reserved for refunds %s, pre-tax %s %s: want credited <= reserved <= pre-tax",
			inv.Credited, inv.Refunded, inv.PreTax, c)
	}
	b.checkPayer(inv, memos, add)
	b.checkReceivable(inv, memos, add)
}

// loadPayers maps every account to the account billed for it.
func loadPayers(tx mercato.Tx) (map[string]string, error) {
	accounts, err := tx.ListAccounts()
	if err != nil {
		return nil, err
	}
	payers := make(map[string]string, len(accounts))
	for _, a := range accounts {
		payers[a.ID] = a.BilledTo()
	}
	return payers, nil
}

// checkPayer proves that the invoice is billed to the payer of its agreement's buyer (the buyer
// itself outside an organisation) and that its credit memos credit that same account. A payer is
// set when an account is created and never changes, so the payer at issue is today's.
func (b *books) checkPayer(inv *mercato.Invoice, memos []mercato.Invoice, add addFunc) {
	if a := b.agreementOf(inv.AgreementID); a != nil {
		if want := b.payers[a.AcceptorID]; want != "" && inv.BuyerID != want {
			add(RuleInvoicePayer, "invoice "+inv.ID, "is billed to %s, but agreement %s's buyer %s is billed to %s",
				inv.BuyerID, a.ID, a.AcceptorID, want)
		}
	}
	for _, m := range memos {
		if m.BuyerID != inv.BuyerID {
			add(RuleInvoicePayer, "credit memo "+m.ID, "credits %s, but its invoice %s is billed to %s", m.BuyerID, inv.ID, inv.BuyerID)
		}
	}
}

// agreementOf returns the agreement with the ID, or nil.
func (b *books) agreementOf(id string) *mercato.Agreement {
	if b.byAgreement == nil {
		b.byAgreement = make(map[string]*mercato.Agreement, len(b.agreements))
		for i := range b.agreements {
			b.byAgreement[b.agreements[i].ID] = &b.agreements[i]
		}
	}
	return b.byAgreement[id]
}

// checkReceivable proves that what the buyer paid and was refunded agrees with the receivable:
// collected is the payments less the refunds, and the refunds are the overpayment, once.
func (b *books) checkReceivable(inv *mercato.Invoice, memos []mercato.Invoice, add addFunc) {
	subject := "invoice " + inv.ID
	c := inv.Currency
	var received, refunded mercato.Amount
	for _, p := range b.payments[inv.ID] {
		if !p.Amount.IsMinorUnits(c) {
			add(RuleMinorUnits, "payment "+p.ID, "%s", mercato.MinorUnitsProblem(p.Amount, c))
		}
		if p.Amount > 0 {
			received += p.Amount
		} else {
			refunded -= p.Amount
		}
	}
	r, ok := b.receivables[inv.ID]
	if !ok {
		if !b.horizon.IsZero() && inv.IssuedAt.Before(b.horizon) {
			add(RuleReceivableOpened, subject, "issued %s, before the settlement of %s, but nothing collects it",
				inv.IssuedAt.Format(time.RFC3339), b.horizon.Format(time.RFC3339))
		}
		if received != 0 || refunded != 0 {
			add(RuleCollectedIsPaid, subject, "has payments of %s and refunds of %s %s but no receivable", received, refunded, c)
		}
		return
	}
	if r.Collected != received-refunded {
		add(RuleCollectedIsPaid, subject, "collected %s, but payments %s less refunds %s are %s %s",
			r.Collected, received, refunded, received-refunded, c)
	}
	overpaid := max(received-r.Owed(), 0)
	if refunded > overpaid {
		add(RuleRefundOverpayment, subject, "refunds of %s exceed the overpayment of %s %s (paid %s, owed %s)",
			refunded, overpaid, c, received, r.Owed())
	}
	settled := !b.horizon.IsZero() && !inv.IssuedAt.After(b.horizon)
	for _, m := range memos {
		settled = settled && m.IssuedAt.Before(b.horizon)
	}
	if settled && refunded < overpaid {
		add(RuleRefundOverpayment, subject, "refunds of %s fall short of the overpayment of %s %s settled by %s",
			refunded, overpaid, c, b.horizon.Format(time.RFC3339))
	}
}

// checkAccounts proves that the ledger's buyer receivables and seller payables are what the
// documents say: invoices less credit memos less payments, and invoices' net less credit memos'
// net less payouts.
func (b *books) checkAccounts(add addFunc) {
	want := map[string]mercato.Amount{}
	for _, inv := range b.invoices {
		buyer := balanceKey(mercato.LedgerBuyerReceivable(inv.BuyerID), inv.Currency)
		seller := balanceKey(mercato.LedgerSellerPayable(inv.SellerID), inv.Currency)
		maker := balanceKey(mercato.LedgerSellerPayable(inv.MakerID), inv.Currency)
		want[buyer] += inv.PreTax + inv.Tax
		want[seller] -= inv.ProposerNet()
		want[maker] -= inv.MakerNet()
		for _, m := range b.memos[inv.ID] {
			want[buyer] -= m.PreTax + m.Tax
			want[seller] += m.ProposerNet()
			want[maker] += m.MakerNet()
		}
		for _, p := range b.payments[inv.ID] {
			want[buyer] -= p.Amount
		}
	}
	for _, p := range b.payouts {
		want[balanceKey(mercato.LedgerSellerPayable(p.SellerID), p.Currency)] += p.Amount
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range b.balances {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		if got, w := b.balances[k], want[k]; got != w {
			account, c, _ := strings.Cut(k, "\x00")
			rule := RuleBuyerReceivable
			if strings.HasPrefix(account, "seller:") {
				rule = RuleSellerPayable
			}
			add(rule, "account "+account, "the ledger holds %s %s, the documents %s %s", got, c, w, c)
		}
	}
}

// checkPayouts proves that every payout is the sum of its lines, that every line pays out its
// document's net (pre-tax less listing fee, negative for a credit memo) of a collected invoice,
// and that no seller was paid out more than buyers paid for its collected invoices, less listing
// fees and the credit memos paid out with them. (A credit memo issued after its invoice was paid
// out is taken back from the next payout: until then the seller holds more than the net.)
func (b *books) checkPayouts(add addFunc) {
	type sellerCurrency struct {
		seller string
		c      mercato.Currency
	}
	nets := b.lineNets() // document and seller -> net
	paid, collected := map[sellerCurrency]mercato.Amount{}, map[sellerCurrency]mercato.Amount{}
	for _, p := range b.payouts {
		k := sellerCurrency{p.SellerID, p.Currency}
		var sum mercato.Amount
		for _, l := range b.lines[p.ID] {
			sum += l.Amount
			if l.Kind == mercato.InvoiceTypeCreditMemo {
				// A memo paid out takes back from what was collected. In a resale the maker's
				// part of a memo may be a cent positive: rounded once from the start, the fee
				// it gives back can pass the amount it returns in one memo (never in all).
				collected[k] += l.Amount
			}
			net := nets[[2]string{l.DocumentID, l.SellerID}]
			if r := b.receivables[l.InvoiceID]; l.Amount != net || r.Status != mercato.ReceivableCollected {
				add(RulePayoutLines, "payout "+p.ID, "pays %s %s for %s of invoice %s, whose net is %s and whose receivable is %q",
					l.Amount, p.Currency, l.DocumentID, l.InvoiceID, net, r.Status)
			}
		}
		if sum != p.Amount || len(b.lines[p.ID]) != p.Lines {
			add(RulePayoutLines, "payout "+p.ID, "%s %s in %d lines, but its lines sum to %s in %d",
				p.Amount, p.Currency, p.Lines, sum, len(b.lines[p.ID]))
		}
		if !p.Amount.IsMinorUnits(p.Currency) {
			add(RuleMinorUnits, "payout "+p.ID, "%s", mercato.MinorUnitsProblem(p.Amount, p.Currency))
		}
		paid[k] += p.Amount
	}
	for _, inv := range b.invoices {
		if r, ok := b.receivables[inv.ID]; ok && r.Status == mercato.ReceivableCollected {
			collected[sellerCurrency{inv.SellerID, inv.Currency}] += inv.ProposerNet()
			if inv.MakerID != "" {
				collected[sellerCurrency{inv.MakerID, inv.Currency}] += inv.MakerNet()
			}
		}
	}
	for k, v := range paid {
		if v > collected[k] {
			add(RuleDisbursedCollected, "seller "+k.seller, "paid out %s %s, more than the %s %s collected less fees and credit memos paid out",
				v, k.c, collected[k], k.c)
		}
	}
}

// checkAgreements proves that a replaced agreement is no longer active, and that a buyer has at
// most one active agreement for a product whose type allows one.
func (b *books) checkAgreements(add addFunc) {
	byID := make(map[string]*mercato.Agreement, len(b.agreements))
	for i := range b.agreements {
		byID[b.agreements[i].ID] = &b.agreements[i]
	}
	active := map[[2]string][]string{}
	for _, a := range b.agreements {
		if src := byID[a.SourceAgreementID]; src != nil && src.Status == mercato.AgreementActive {
			add(RuleReplacedNotActive, "agreement "+src.ID, "is ACTIVE, yet agreement %s replaced it", a.ID)
		}
		if a.Status == mercato.AgreementActive && a.ProductType.OneActiveAgreement() {
			k := [2]string{a.AcceptorID, a.ProductID}
			active[k] = append(active[k], a.ID)
		}
	}
	for k, ids := range active {
		if len(ids) > 1 {
			slices.Sort(ids)
			add(RuleOneActive, "buyer "+k[0], "has %d active agreements for product %s: %s", len(ids), k[1], strings.Join(ids, ", "))
		}
	}
}
