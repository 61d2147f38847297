package service

import (
	"fmt"

	"mercato"
)

// Party is the side of an agreement a caller acts as.
type Party string

// Parties, with the Agreement API's names.
const (
	Proposer Party = "Proposer" // the seller of record
	Acceptor Party = "Acceptor" // the buyer
	// Manufacturer is the product's maker in a resold agreement, which is no party to it: it
	// may find and describe the agreement, nothing more (see manufacturer.go).
	Manufacturer Party = "Manufacturer"
)

// Catalog and agreement type of every agreement the marketplace makes, as the API names them.
const (
	Catalog       = "AWSMarketplace"
	AgreementType = "PurchaseAgreement"
)

// partyOf returns the caller's side of the agreement, and false if the caller is neither party.
func partyOf(a *mercato.Agreement, caller string) (Party, bool) {
	switch caller {
	case a.ProposerID:
		return Proposer, true
	case a.AcceptorID:
		return Acceptor, true
	}
	return "", false
}

// visibleAgreement returns the agreement if the caller is a party to it, ENotFound otherwise, so
// that IDs of others' agreements do not leak.
func visibleAgreement(tx mercato.Tx, caller, id string) (mercato.Agreement, error) {
	a, err := tx.GetAgreement(id)
	if err != nil {
		return a, err
	}
	if _, ok := partyOf(&a, caller); !ok {
		return mercato.Agreement{}, mercato.NotFound("Agreement", id)
	}
	return a, nil
}

// agreementAs returns the agreement if the caller is the given party to it: ENotFound if the
// caller is no party, EForbidden if the caller is the other party (the action is not theirs).
func agreementAs(tx mercato.Tx, caller, id string, want Party, action string) (mercato.Agreement, error) {
	a, err := tx.GetAgreement(id)
	if err != nil {
		return a, err
	}
	if err := checkParty(&a, caller, want, action); mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return mercato.Agreement{}, err
	} else if err != nil {
		return a, err
	}
	return a, nil
}

// checkParty returns nil if the caller is the given party to a: ENotFound if the caller is no
// party, EForbidden if the caller is the other party (the action is not theirs).
func checkParty(a *mercato.Agreement, caller string, want Party, action string) error {
	p, ok := partyOf(a, caller)
	switch {
	case !ok:
		return mercato.NotFound("Agreement", a.ID)
	case p != want:
		return forbiddenAction(action, want)
	}
	return nil
}

func forbiddenAction(action string, want Party) error {
	who := map[Party]string{Proposer: "the seller (proposer)", Acceptor: "the buyer (acceptor)"}[want]
	return &mercato.Error{Code: mercato.EForbidden, Reason: "INVALID_ACCESS",
		Message: fmt.Sprintf("only %s of the agreement may %s", who, action)}
}

// invalid returns an EInvalid error with an AWS ValidationExceptionReason and the field at fault.
func invalid(reason, field, format string, args ...any) *mercato.Error {
	e := mercato.Errorf(mercato.EInvalid, format, args...)
	e.Reason = reason
	if field != "" {
		e.Fields = []mercato.FieldError{{Name: field, Message: e.Message}}
	}
	return e
}

// conflict returns an EConflict error about a resource.
func conflict(resourceType, id, format string, args ...any) *mercato.Error {
	e := mercato.Errorf(mercato.EConflict, format, args...)
	e.ResourceID, e.ResourceType = id, resourceType
	return e
}
