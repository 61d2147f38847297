package service

import (
	"context"
	"fmt"
	"time"

	"mercato"
)

// FulfillmentTokenLife is how long the registration token of a subscription resolves: about
// the 4 hours AWS gives a seller's registration page to call ResolveCustomer.
const FulfillmentTokenLife = 4 * time.Hour

// FulfillmentTokenField is the form field that carries the registration token to the seller's
// fulfillment URL, as AWS names it.
const FulfillmentTokenField = "x-amzn-marketplace-token"

// jobFulfillment posts a new subscription's registration token to its product's fulfillment
// URL (sandbox only: in production the buyer's browser takes it there).
const jobFulfillment mercato.JobKind = "saas-fulfillment"

// FulfillmentPoster POSTs a registration token to a fulfillment URL, form-encoded in the
// field FulfillmentTokenField. An error is retried as jobs are.
type FulfillmentPoster func(ctx context.Context, url, token string) error

// WithFulfillmentPoster sets how the sandbox posts registration tokens (the default is an
// HTTP client; see PostFulfillment).
func WithFulfillmentPoster(p FulfillmentPoster) Option { return func(s *Service) { s.poster = p } }

// fulfillmentJob is the payload of a jobFulfillment.
type fulfillmentJob struct {
	AgreementID string `json:"agreementId"`
}

// scheduleFulfillment writes, in the acceptance's transaction, the job that posts the new
// agreement's registration token to its product's fulfillment URL, so that a headless test
// receives what a buyer's browser would bring. Only the sandbox does this: in production the
// buyer's browser is the only messenger, as on AWS.
func (s *Service) scheduleFulfillment(tx mercato.Tx, a *mercato.Agreement, p *mercato.Product, now time.Time) error {
	if s.sim == nil || p.FulfillmentURL == "" {
		return nil
	}
	return putJob(tx, jobFulfillment, "fulfillment:"+a.ID, now, fulfillmentJob{AgreementID: a.ID})
}

// postFulfillment runs a jobFulfillment: it posts a fresh registration token to the product's
// fulfillment URL as it is now. An agreement that is no longer active, or a product whose URL
// was removed, has nothing to post.
func (s *Service) postFulfillment(ctx context.Context, j mercato.Job) error {
	in, err := jobPayload[fulfillmentJob](j)
	if err != nil {
		return err
	}
	var a mercato.Agreement
	var p mercato.Product
	err = s.view(ctx, func(tx mercato.Tx) error {
		if a, err = tx.GetAgreement(in.AgreementID); err != nil {
			return err
		}
		p, err = tx.GetProduct(a.ProductID)
		return err
	})
	if err != nil || a.Status != mercato.AgreementActive || p.FulfillmentURL == "" {
		return err
	}
	token, err := s.fulfillmentToken(ctx, &a, &p)
	if err != nil {
		return err
	}
	if err := s.poster(ctx, p.FulfillmentURL, token); err != nil {
		return fmt.Errorf("post the registration token of agreement %s to %s: %w", a.ID, p.FulfillmentURL, err)
	}
	return nil
}

// fulfillmentToken returns a registration token for the agreement that resolves for
// FulfillmentTokenLife of business time.
func (s *Service) fulfillmentToken(ctx context.Context, a *mercato.Agreement, p *mercato.Product) (string, error) {
	return s.registrationToken(ctx, registration{AgreementID: a.ID, ProductCode: p.ProductCode, Customer: a.AcceptorID,
		Expires: s.Now().Add(FulfillmentTokenLife).Unix()})
}

// Fulfillment is where a subscribing buyer's browser goes next: the product's fulfillment URL
// and the registration token to POST there. URL is empty for a product without one.
type Fulfillment struct {
	URL   string
	Token string
}

// Fulfillment returns the fulfillment page and a fresh registration token of the caller's
// agreement, for the console to send the buyer's browser there after a subscription. Only the
// buyer gets it. Errors: ENotFound (no such agreement of the caller's as buyer), EConflict
// (the agreement is no longer active).
func (s *Service) Fulfillment(ctx context.Context, caller, agreementID string) (Fulfillment, error) {
	var a mercato.Agreement
	var p mercato.Product
	err := s.view(ctx, func(tx mercato.Tx) error {
		var err error
		if a, err = tx.GetAgreement(agreementID); err != nil {
			return err
		}
		if a.AcceptorID != caller {
			return mercato.NotFound("Agreement", agreementID)
		}
		p, err = tx.GetProduct(a.ProductID)
		return err
	})
	switch {
	case err != nil:
		return Fulfillment{}, err
	case p.FulfillmentURL == "":
		return Fulfillment{}, nil
	case a.Status != mercato.AgreementActive:
		return Fulfillment{}, mercato.Errorf(mercato.EConflict, "agreement %s is %s: there is nothing to set up", a.ID, a.Status)
	}
	token, err := s.fulfillmentToken(ctx, &a, &p)
	return Fulfillment{URL: p.FulfillmentURL, Token: token}, err
}

// SetFulfillmentURL sets or (with "") removes the fulfillment URL of one of the caller's
// products, audited. Errors: EInvalid (not an absolute http or https URL), ENotFound (no such
// product of the caller's).
func (s *Service) SetFulfillmentURL(ctx context.Context, caller, productID, url string) (mercato.Product, error) {
	if msg := mercato.FulfillmentURLProblem(url); msg != "" {
		var p mercato.Problems
		p.Add("fulfillmentUrl", "%s", msg)
		return mercato.Product{}, p.Err("invalid fulfillment URL")
	}
	var p mercato.Product
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		p, err = tx.GetProduct(productID)
		if mercato.ErrorCodeOf(err) == mercato.ENotFound || (err == nil && p.SellerID != caller) {
			return mercato.NotFound("Product", productID)
		}
		if err != nil {
			return err
		}
		old := p.FulfillmentURL
		p.FulfillmentURL = url
		if err := tx.PutProduct(p); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "SetFulfillmentURL", "Product", p.ID, "",
			map[string]any{"from": old, "to": url})
	})
	return p, err
}
