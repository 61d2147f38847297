package sqlstore

import (
	"mercato"
)

// Resource types of private marketplaces in errors (AWS's names).
const (
	marketplaceType    = "Experience"
	productRequestType = "ProductProcurementRequest"
)

var (
	marketplaceCols    = []string{"id", "admin_id", "name", "products", "disabled", "requests_denied"}
	productRequestCols = []string{"id", "marketplace_id", "buyer_id", "product_id", "note", "status",
		"reason", "created_at", "decided_at"}
)

var (
	upsertMarketplace       = upsertSQL("private_marketplaces", marketplaceCols)
	selectMarketplaces      = selectSQL("private_marketplaces", marketplaceCols)
	deleteGoverned          = "DELETE FROM private_marketplace_accounts WHERE marketplace_id = $1"
	insertGoverned          = insertNewSQL("private_marketplace_accounts", []string{"account_id", "marketplace_id", "position"})
	selectGoverned          = "SELECT account_id FROM private_marketplace_accounts WHERE marketplace_id = $1 ORDER BY position"
	selectGovernor          = "SELECT marketplace_id FROM private_marketplace_accounts WHERE account_id = $1"
	insertProductRequest    = insertNewSQL("product_requests", productRequestCols)
	updateProductRequest    = updateSQL("product_requests", productRequestCols)
	selectProductRequests   = selectSQL("product_requests", productRequestCols)
	productRequestNewestTop = " ORDER BY created_at DESC, id DESC"
)

// PutPrivateMarketplace creates or replaces the private marketplace, its allow-list and the
// accounts it governs. An account another private marketplace governs is EConflict.
func (t *tx) PutPrivateMarketplace(m mercato.PrivateMarketplace) error {
	products := m.Products
	if products == nil {
		products = []string{}
	}
	if _, err := t.exec(upsertMarketplace, m.ID, m.AdminID, m.Name, jsonArg{products}, m.Disabled, m.RequestsDenied); err != nil {
		return t.fail(err, "put", marketplaceType, m.ID)
	}
	if _, err := t.exec(deleteGoverned, m.ID); err != nil {
		return t.fail(err, "put accounts of", marketplaceType, m.ID)
	}
	for i, a := range m.Accounts {
		n, err := t.execCount(insertGoverned, a, m.ID, i)
		if err != nil {
			return t.fail(err, "put account of", marketplaceType, m.ID)
		}
		if n == 0 {
			return conflict("Account", a, "is already governed by another private marketplace")
		}
	}
	return nil
}

// GetPrivateMarketplace returns the private marketplace with the ID.
func (t *tx) GetPrivateMarketplace(id string) (mercato.PrivateMarketplace, error) {
	m, err := getRow(t, scanMarketplace, selectMarketplaces+" WHERE id = $1", id)
	if err != nil {
		return m, t.fail(err, "get", marketplaceType, id)
	}
	m.Accounts, err = list(t, scanString, selectGoverned, id)
	return m, t.fail(err, "get accounts of", marketplaceType, id)
}

// PrivateMarketplaceOf returns the private marketplace governing the buyer; ENotFound if none.
func (t *tx) PrivateMarketplaceOf(buyerID string) (mercato.PrivateMarketplace, error) {
	id, err := getRow(t, scanString, selectGovernor, buyerID)
	if err != nil {
		return mercato.PrivateMarketplace{}, t.fail(err, "get private marketplace of", "Account", buyerID)
	}
	return t.GetPrivateMarketplace(id)
}

// ListPrivateMarketplaces returns the administrator's private marketplaces (all when adminID is
// empty), ordered by ID.
func (t *tx) ListPrivateMarketplaces(adminID string) ([]mercato.PrivateMarketplace, error) {
	var w filter
	w.eq("admin_id", adminID)
	ms, err := list(t, scanMarketplace, selectMarketplaces+w.clause()+" ORDER BY id", w.args...)
	if err != nil {
		return nil, wrap(err, "list private marketplaces")
	}
	for i := range ms {
		if ms[i].Accounts, err = list(t, scanString, selectGoverned, ms[i].ID); err != nil {
			return nil, wrap(err, "list accounts of private marketplace %s", ms[i].ID)
		}
	}
	return ms, nil
}

func scanMarketplace(s scanner) (mercato.PrivateMarketplace, error) {
	var m mercato.PrivateMarketplace
	err := s.Scan(&m.ID, &m.AdminID, &m.Name, jsonCol{&m.Products}, &m.Disabled, &m.RequestsDenied)
	return m, err
}

// InsertProductRequest stores a new product request; an existing ID is EConflict.
func (t *tx) InsertProductRequest(r mercato.ProductProcurementRequest) error {
	return t.insertNew(productRequestType, r.ID, insertProductRequest, productRequestArgs(&r)...)
}

// UpdateProductRequest replaces a stored product request; an unknown ID is ENotFound.
func (t *tx) UpdateProductRequest(r mercato.ProductProcurementRequest) error {
	return t.updateExisting(productRequestType, r.ID, updateProductRequest, productRequestArgs(&r)...)
}

// GetProductRequest returns the product request with the ID.
func (t *tx) GetProductRequest(id string) (mercato.ProductProcurementRequest, error) {
	r, err := getRow(t, scanProductRequest, selectProductRequests+" WHERE id = $1", id)
	return r, t.fail(err, "get", productRequestType, id)
}

// ListProductRequests returns the product requests matching f, newest first.
func (t *tx) ListProductRequests(f mercato.ProductRequestFilter) ([]mercato.ProductProcurementRequest, error) {
	var w filter
	w.eq("marketplace_id", f.MarketplaceID)
	w.eq("buyer_id", f.BuyerID)
	w.eq("status", string(f.Status))
	rs, err := list(t, scanProductRequest, selectProductRequests+w.clause()+productRequestNewestTop, w.args...)
	return rs, wrap(err, "list product requests")
}

func productRequestArgs(r *mercato.ProductProcurementRequest) []any {
	return []any{r.ID, r.MarketplaceID, r.BuyerID, r.ProductID, r.Note, string(r.Status), r.Reason,
		micros(r.CreatedAt), micros(r.DecidedAt)}
}

func scanProductRequest(s scanner) (mercato.ProductProcurementRequest, error) {
	var r mercato.ProductProcurementRequest
	err := s.Scan(&r.ID, &r.MarketplaceID, &r.BuyerID, &r.ProductID, &r.Note, &r.Status, &r.Reason,
		timeCol{&r.CreatedAt}, timeCol{&r.DecidedAt})
	return r, err
}
