// Package mercato holds the domain of a software marketplace: accounts, products, offers and
// their terms, agreements, charges, invoices, billing adjustments and the double-entry ledger.
//
// Glossary:
//   - proposer: the seller of record, who makes an offer.
//   - acceptor: the buyer, who accepts an offer into an agreement.
//   - term: one part of an offer or agreement (pricing, validity, legal, support ...), shaped
//     exactly as the AWS Marketplace Agreement API models it.
//   - charge: an amount the buyer owes under a term, for a moment or a billing period.
//   - invoice: charges of one agreement issued together; a credit memo is a negative invoice
//     that refers to the invoice it adjusts.
//   - ledger transaction: a balanced set of postings that records one movement of money.
//
// The package imports nothing of the project's own and no transport or storage library:
// business rules live in package service (and the pure packages billing and policy), storage in
// the stores, wire formats in awsapi.
package mercato
