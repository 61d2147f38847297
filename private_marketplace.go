package mercato

import (
	"fmt"
	"slices"
	"time"
)

// PrivateMarketplace is a buyer organisation's private marketplace (an "experience" on AWS):
// its administrator governs a set of buyer accounts (the audience), which see and accept offers
// of the allowed products only. A buyer is governed by at most one private marketplace.
type PrivateMarketplace struct {
	ID       string   `json:"id"` // exp-…
	AdminID  string   `json:"administrator"`
	Name     string   `json:"name,omitempty"`
	Accounts []string `json:"accounts"` // the governed buyer accounts
	Products []string `json:"products"` // the allow-list, by product ID
	// Disabled says the administrator disabled the private marketplace: it governs nobody
	// until enabled again, and keeps its audience and allow-list meanwhile.
	Disabled bool `json:"disabled,omitempty"`
	// RequestsDenied says its buyers may not request products.
	RequestsDenied bool `json:"requestsDenied,omitempty"`
}

// Governs reports whether the private marketplace restricts what the account buys: it is
// enabled and the account is in its audience.
func (m *PrivateMarketplace) Governs(accountID string) bool {
	return !m.Disabled && slices.Contains(m.Accounts, accountID)
}

// Allows reports whether the private marketplace lets its buyers buy the product.
func (m *PrivateMarketplace) Allows(productID string) bool {
	return slices.Contains(m.Products, productID)
}

// Validate reports every problem with the private marketplace taken alone.
func (m *PrivateMarketplace) Validate() error {
	var p Problems
	if !ValidResourceID(m.ID) {
		p.Add("id", "must be 1-64 letters, digits, _ / -")
	}
	if !accountIDPattern.MatchString(m.AdminID) {
		p.Add("administrator", "must be a 12-digit account ID")
	}
	for i, a := range m.Accounts {
		if !accountIDPattern.MatchString(a) {
			p.Add("accounts", "entry %d (%q) must be a 12-digit account ID", i, a)
		} else if slices.Contains(m.Accounts[:i], a) {
			p.Add("accounts", "account %s is listed twice", a)
		}
	}
	for i, id := range m.Products {
		if !ValidResourceID(id) {
			p.Add("products", "entry %d (%q) must be a product ID", i, id)
		} else if slices.Contains(m.Products[:i], id) {
			p.Add("products", "product %s is listed twice", id)
		}
	}
	return p.Err("invalid private marketplace " + m.ID)
}

// ProductRequestStatus is where a buyer's request for a product stands.
type ProductRequestStatus string

// Product request statuses.
const (
	ProductRequestPending  ProductRequestStatus = "PENDING"
	ProductRequestApproved ProductRequestStatus = "APPROVED"
	ProductRequestDeclined ProductRequestStatus = "DECLINED"
)

// productRequestTransitions is the one table of allowed product request transitions: the
// administrator decides a pending request once.
var productRequestTransitions = map[ProductRequestStatus][]ProductRequestStatus{
	ProductRequestPending: {ProductRequestApproved, ProductRequestDeclined},
}

// ProductRequestTTL is how long a request waits for its administrator; AWS declines it after
// 30 days.
const ProductRequestTTL = 30 * 24 * time.Hour

// ProductProcurementRequest is a governed buyer's request that its administrator add a product to the
// private marketplace (a "product procurement request" on AWS).
type ProductProcurementRequest struct {
	ID            string               `json:"id"` // prodprocreq-…
	MarketplaceID string               `json:"experienceId"`
	BuyerID       string               `json:"buyerId"`
	ProductID     string               `json:"productId"`
	Note          string               `json:"note,omitempty"`
	Status        ProductRequestStatus `json:"status"`
	Reason        string               `json:"reason,omitempty"` // why it was declined
	CreatedAt     time.Time            `json:"createdAt"`
	DecidedAt     time.Time            `json:"decidedAt,omitzero"`
}

// ExpiresAt returns when the request lapses if nobody decides it.
func (r *ProductProcurementRequest) ExpiresAt() time.Time { return r.CreatedAt.Add(ProductRequestTTL) }

// Transition moves the request to status to at time at, or returns EConflict if it may not.
func (r *ProductProcurementRequest) Transition(to ProductRequestStatus, at time.Time) error {
	if !slices.Contains(productRequestTransitions[r.Status], to) {
		return &Error{Code: EConflict, Message: fmt.Sprintf("product request %s is %s and cannot become %s", r.ID, r.Status, to),
			ResourceID: r.ID, ResourceType: "ProductProcurementRequest"}
	}
	r.Status, r.DecidedAt = to, at
	return nil
}

// ProductRequestFilter selects product requests; zero fields match all.
type ProductRequestFilter struct {
	MarketplaceID string
	BuyerID       string
	Status        ProductRequestStatus
}

// PrivateMarketplaceTx is what a transaction can do with private marketplaces.
type PrivateMarketplaceTx interface {
	// PutPrivateMarketplace creates or replaces the private marketplace with its audience and
	// allow-list; a governed account of another private marketplace is EConflict.
	PutPrivateMarketplace(PrivateMarketplace) error
	GetPrivateMarketplace(id string) (PrivateMarketplace, error)
	// PrivateMarketplaceOf returns the private marketplace that governs the buyer, ENotFound if
	// none does.
	PrivateMarketplaceOf(buyerID string) (PrivateMarketplace, error)
	// ListPrivateMarketplaces returns those the administrator runs (all when adminID is empty),
	// by ID.
	ListPrivateMarketplaces(adminID string) ([]PrivateMarketplace, error)

	// InsertProductRequest returns EConflict if the ID is taken.
	InsertProductRequest(ProductProcurementRequest) error
	UpdateProductRequest(ProductProcurementRequest) error
	GetProductRequest(id string) (ProductProcurementRequest, error)
	// ListProductRequests returns the matching requests, newest first.
	ListProductRequests(ProductRequestFilter) ([]ProductProcurementRequest, error)
}
