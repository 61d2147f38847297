// Package billing decides, with pure functions, what to charge and invoice and when: charges
// due on acceptance, installments on their dates, the monthly consolidated charges for recurring
// and metered usage (pro-rated by the day), tax kept apart from the pre-tax amount, listing fees
// and the ledger postings of an invoice. It reads no clock and no store: package service feeds
// it agreements, times and usage, and stores what it returns.
package billing
