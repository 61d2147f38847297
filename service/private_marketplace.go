package service

import (
	"context"
	"slices"
	"time"

	"mercato"
)

// notApproved is what a governed buyer is told of a product its private marketplace does not
// allow, in AWS's words, with what to do about it.
const notApproved = "product %s is not approved for procurement in your private marketplace (%s); " +
	"request it, and your administrator can approve it"

// buyerMayBuy is the private marketplace rule, in one place for every path a buyer reaches an
// offer by (acceptance, the Agreement API's requests, the offers pages): a buyer that a private
// marketplace governs may buy only the products it allows. EForbidden (reason INVALID_ACCESS)
// otherwise, naming the offer when offerID is set.
func buyerMayBuy(tx mercato.Tx, buyerID, productID, offerID string) error {
	m, err := governing(tx, buyerID)
	switch {
	case mercato.ErrorCodeOf(err) == mercato.ENotFound:
		return nil
	case err != nil:
		return err
	case m.Allows(productID):
		return nil
	}
	return forbidden(offerID, notApproved, productID, m.ID)
}

// governing returns the private marketplace that governs the buyer: the one whose audience it
// is in, if that one is enabled. ENotFound if none does.
func governing(tx mercato.Tx, buyerID string) (mercato.PrivateMarketplace, error) {
	m, err := tx.PrivateMarketplaceOf(buyerID)
	if err == nil && !m.Governs(buyerID) {
		return m, mercato.NotFound("Experience", "governing "+buyerID)
	}
	return m, err
}

// ProductRequestInput is a governed buyer's request for a product, with a note to the
// administrator.
type ProductRequestInput struct {
	ProductID string
	Note      string
}

// maxNote bounds a request's note and a decline's reason, as AWS bounds free text.
const maxNote = 1000

// Validate reports every bad field at once.
func (in *ProductRequestInput) Validate() error {
	var p mercato.Problems
	if !mercato.ValidResourceID(in.ProductID) {
		p.Add("productId", "a product ID (1-64 letters, digits, _ / -) is required")
	}
	if len(in.Note) > maxNote {
		p.Add("note", "must be at most %d characters", maxNote)
	}
	return p.Err("invalid product request")
}

// RequestProduct records the caller's request that its private marketplace allow a product and
// tells the buyer and the administrator (Product Request Created). Errors: EInvalid (bad input),
// ENotFound (unknown product), EForbidden (no enabled private marketplace governs the caller, or
// it takes no requests), EConflict
// (the product is allowed already, or the caller's request for it is pending).
func (s *Service) RequestProduct(ctx context.Context, caller string, in ProductRequestInput) (mercato.ProductProcurementRequest, error) {
	if err := in.Validate(); err != nil {
		return mercato.ProductProcurementRequest{}, err
	}
	var r mercato.ProductProcurementRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		r, err = s.requestProduct(tx, caller, in, s.Now())
		return err
	})
	return r, err
}

func (s *Service) requestProduct(tx mercato.Tx, caller string, in ProductRequestInput, now time.Time) (mercato.ProductProcurementRequest, error) {
	r := mercato.ProductProcurementRequest{ID: newID("prodprocreq-"), BuyerID: caller, ProductID: in.ProductID,
		Note: in.Note, Status: mercato.ProductRequestPending, CreatedAt: now}
	m, err := governing(tx, caller)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		return r, mercato.Errorf(mercato.EForbidden, "account %s is not governed by a private marketplace: it may buy any product", caller)
	}
	if err != nil {
		return r, err
	}
	if m.RequestsDenied {
		return r, mercato.Errorf(mercato.EForbidden, "private marketplace %s does not take product requests; ask its administrator", m.ID)
	}
	r.MarketplaceID = m.ID
	if _, err := tx.GetProduct(in.ProductID); err != nil {
		return r, err
	}
	if m.Allows(in.ProductID) {
		return r, mercato.Errorf(mercato.EConflict, "product %s is already approved in private marketplace %s", in.ProductID, m.ID)
	}
	pending, err := tx.ListProductRequests(mercato.ProductRequestFilter{BuyerID: caller, Status: mercato.ProductRequestPending})
	if err != nil {
		return r, err
	}
	if i := slices.IndexFunc(pending, func(p mercato.ProductProcurementRequest) bool { return p.ProductID == in.ProductID }); i >= 0 {
		return r, &mercato.Error{Code: mercato.EConflict, ResourceID: pending[i].ID, ResourceType: "ProductProcurementRequest",
			Message: "your request " + pending[i].ID + " for product " + in.ProductID + " is still pending"}
	}
	if err := tx.InsertProductRequest(r); err != nil {
		return r, err
	}
	if err := putJob(tx, jobExpireProductRequest, "prodprocreq-expire:"+r.ID, r.ExpiresAt(), requestJob{r.ID}); err != nil {
		return r, err
	}
	if err := audit(tx, now, caller, "CreateProductRequest", "ProductProcurementRequest", r.ID, "",
		map[string]string{"productId": r.ProductID, "experienceId": m.ID}); err != nil {
		return r, err
	}
	return r, tellProductRequest(tx, mercato.EventProductRequestCreated, &r, &m, now)
}

// DecideProductRequestInput is an administrator's decision on a product request: approve, or
// decline with a reason.
type DecideProductRequestInput struct {
	RequestID string
	Approve   bool
	Reason    string // required to decline
}

// Validate reports every bad field at once.
func (in *DecideProductRequestInput) Validate() error {
	var p mercato.Problems
	if !mercato.ValidResourceID(in.RequestID) {
		p.Add("requestId", "a product request ID is required")
	}
	if !in.Approve && in.Reason == "" {
		p.Add("reason", "is required to decline a request")
	}
	if len(in.Reason) > maxNote {
		p.Add("reason", "must be at most %d characters", maxNote)
	}
	return p.Err("invalid decision")
}

// DecideProductRequest approves a pending product request (adding the product to the private
// marketplace's allow-list) or declines it with a reason, and tells the buyer and the
// administrator. Errors: EInvalid, ENotFound (unknown request, or not the caller's to decide),
// EConflict (already decided).
func (s *Service) DecideProductRequest(ctx context.Context, caller string, in DecideProductRequestInput) (mercato.ProductProcurementRequest, error) {
	if err := in.Validate(); err != nil {
		return mercato.ProductProcurementRequest{}, err
	}
	var r mercato.ProductProcurementRequest
	err := s.store.Update(ctx, func(tx mercato.Tx) error {
		var err error
		r, err = decideProductRequest(tx, caller, in, s.Now())
		return err
	})
	return r, err
}

func decideProductRequest(tx mercato.Tx, caller string, in DecideProductRequestInput, now time.Time) (mercato.ProductProcurementRequest, error) {
	r, err := tx.GetProductRequest(in.RequestID)
	if err != nil {
		return r, err
	}
	m, err := administered(tx, caller, r.MarketplaceID)
	if err != nil {
		return r, mercato.NotFound("ProductProcurementRequest", r.ID)
	}
	return r, settleProductRequest(tx, &r, &m, in.Approve, in.Reason, caller, now)
}

// settleProductRequest approves r (adding its product to m's allow-list) or declines it for
// reason, records who did, and tells the buyer and the administrator. EConflict if r is decided.
func settleProductRequest(tx mercato.Tx, r *mercato.ProductProcurementRequest, m *mercato.PrivateMarketplace,
	approve bool, reason, actor string, now time.Time) error {
	kind, to, action := mercato.EventProductRequestApproved, mercato.ProductRequestApproved, "ApproveProductRequest"
	if !approve {
		kind, to, action = mercato.EventProductRequestDeclined, mercato.ProductRequestDeclined, "DeclineProductRequest"
		r.Reason = reason
	}
	if err := r.Transition(to, now); err != nil {
		return err
	}
	if err := tx.UpdateProductRequest(*r); err != nil {
		return err
	}
	if approve && !m.Allows(r.ProductID) {
		m.Products = append(m.Products, r.ProductID)
		if err := tx.PutPrivateMarketplace(*m); err != nil {
			return err
		}
	}
	if err := audit(tx, now, actor, action, "ProductProcurementRequest", r.ID, "",
		map[string]string{"productId": r.ProductID, "reason": r.Reason}); err != nil {
		return err
	}
	return tellProductRequest(tx, kind, r, m, now)
}

// jobExpireProductRequest declines a product request nobody decided in time, as AWS does after
// 30 days.
const jobExpireProductRequest mercato.JobKind = "expire-product-request"

// expiredReason is the decline's reason when a request lapses.
const expiredReason = "Not decided within 30 days of the request"

// expireProductRequest declines the job's request at its due time if it is still pending.
func (s *Service) expireProductRequest(ctx context.Context, j mercato.Job) error {
	p, err := jobPayload[requestJob](j)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		r, err := tx.GetProductRequest(p.ID)
		if err != nil || r.Status != mercato.ProductRequestPending {
			return err
		}
		m, err := tx.GetPrivateMarketplace(r.MarketplaceID)
		if err != nil {
			return err
		}
		return settleProductRequest(tx, &r, &m, false, expiredReason, "system", j.DueAt)
	})
}

// administered returns the private marketplace id if caller administers it; ENotFound
// otherwise, so that another organisation's marketplace is not even seen to exist.
func administered(tx mercato.Tx, caller, id string) (mercato.PrivateMarketplace, error) {
	m, err := tx.GetPrivateMarketplace(id)
	if err != nil {
		return m, err
	}
	if m.AdminID != caller {
		return m, mercato.NotFound("Experience", id)
	}
	return m, nil
}

// SetProductAllowed adds a product to the allow-list of a private marketplace the caller
// administers, or removes it. Errors: ENotFound (unknown marketplace or product, or not the
// caller's).
func (s *Service) SetProductAllowed(ctx context.Context, caller, marketplaceID, productID string, allowed bool) error {
	return s.store.Update(ctx, func(tx mercato.Tx) error {
		m, err := administered(tx, caller, marketplaceID)
		if err != nil {
			return err
		}
		if _, err := tx.GetProduct(productID); err != nil {
			return err
		}
		if m.Allows(productID) == allowed {
			return nil // already so: nothing to record
		}
		if allowed {
			m.Products = append(m.Products, productID)
		} else {
			m.Products = slices.DeleteFunc(m.Products, func(p string) bool { return p == productID })
		}
		if err := tx.PutPrivateMarketplace(m); err != nil {
			return err
		}
		return audit(tx, s.Now(), caller, "SetProductAllowed", "Experience", m.ID, "",
			map[string]any{"productId": productID, "allowed": allowed})
	})
}

// PrivateMarketplaceView is what the caller sees of private marketplaces: those it administers
// with their requests, or the one that governs it with its own requests.
type PrivateMarketplaceView struct {
	Administered []mercato.PrivateMarketplace
	Governing    *mercato.PrivateMarketplace
	Requests     []mercato.ProductProcurementRequest // newest first
}

// PrivateMarketplaces returns the caller's view of private marketplaces.
func (s *Service) PrivateMarketplaces(ctx context.Context, caller string) (PrivateMarketplaceView, error) {
	var v PrivateMarketplaceView
	err := s.store.View(ctx, func(tx mercato.Tx) error {
		var err error
		if v.Administered, err = tx.ListPrivateMarketplaces(caller); err != nil {
			return err
		}
		for _, m := range v.Administered {
			rs, err := tx.ListProductRequests(mercato.ProductRequestFilter{MarketplaceID: m.ID})
			if err != nil {
				return err
			}
			v.Requests = append(v.Requests, rs...)
		}
		m, err := governing(tx, caller)
		if mercato.ErrorCodeOf(err) == mercato.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		v.Governing = &m
		mine, err := tx.ListProductRequests(mercato.ProductRequestFilter{BuyerID: caller})
		v.Requests = append(v.Requests, mine...)
		return err
	})
	return v, err
}

// tellProductRequest emits the product request event of kind to the buyer and the
// administrator.
func tellProductRequest(tx mercato.Tx, kind mercato.EventKind, r *mercato.ProductProcurementRequest, m *mercato.PrivateMarketplace, now time.Time) error {
	p, err := tx.GetProduct(r.ProductID)
	if err != nil {
		return err
	}
	maker, err := tx.GetAccount(p.SellerID)
	if err != nil {
		return err
	}
	d := mercato.ProductRequestDetail{ExpirationDate: mercato.EventTime(r.ExpiresAt()),
		Product: mercato.ProductRef{ID: p.ID, Title: p.Title}, Manufacturer: mercato.NameRef{Name: maker.Name},
		ExperienceID: m.ID, ProductProcurementRequestID: r.ID, RequesterARN: "arn:aws:iam::" + r.BuyerID + ":root"}
	switch kind {
	case mercato.EventProductRequestApproved:
		d.ApprovedDate = mercato.EventTime(now)
	case mercato.EventProductRequestDeclined:
		d.DeclinedDate, d.DeclinedCause = mercato.EventTime(now), r.Reason
	}
	arn := "arn:aws:aws-marketplace:" + mercato.EventRegion + ":" + m.AdminID + ":AWSMarketplace/"
	resources := []string{arn + "Experience/" + m.ID, arn + "ProductProcurementRequest/" + r.ID}
	accounts := slices.Compact([]string{r.BuyerID, m.AdminID})
	return emit(tx, mercato.ProductRequest(kind, d, resources, accounts, now))
}
