package console

import (
	"net/http"
	"strings"

	"mercato"
	"mercato/iam"
)

// keysView is the access keys page: the account's keys, the policies a new key may carry, and
// a key just created, whose secret the page shows this once.
type keysView struct {
	Keys     []mercato.AccessKey
	Managed  []string
	Current  string             // the key this session signed in with
	Created  *mercato.AccessKey // with its secret
	Replaced string             // the key a rotation revoked
	Policy   string             // the policy field as last posted
	Custom   string             // the custom policy document as last posted
}

// keysRoutes registers the access keys page, which every signed-in account has.
func (c *Console) keysRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /console/keys", c.signedIn(c.keysPage))
	m.HandleFunc("POST /console/keys", c.signedIn(c.createKey))
	m.HandleFunc("POST /console/keys/{key}/rotate", c.signedIn(c.rotateKey))
	m.HandleFunc("POST /console/keys/{key}/revoke", c.signedIn(c.revokeKey))
}

func (c *Console) keysPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.showKeys(w, r, u, http.StatusOK, keysView{}, "")
}

func (c *Console) showKeys(w http.ResponseWriter, r *http.Request, u *user, status int, v keysView, problem string) {
	keys, err := c.svc.AccessKeys(r.Context(), u.ID, u.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v.Keys, v.Managed, v.Current = keys, iam.ManagedNames(), u.session.KeyID
	c.render(w, r, status, page{Name: "keys", Title: "Access keys", Nav: "keys", User: u, Error: problem, Data: v})
}

// createKey creates a key with the chosen policy: none (full access), a managed policy, or a
// custom document.
func (c *Console) createKey(w http.ResponseWriter, r *http.Request, u *user) {
	v := keysView{Policy: r.PostFormValue("policy"), Custom: strings.TrimSpace(r.PostFormValue("custom"))}
	policy := v.Policy
	if policy == "custom" {
		policy = v.Custom
	}
	if err := c.allowedKeyAction(r, u, "mercato:CreateAccessKey"); err != nil {
		c.showKeys(w, r, u, http.StatusForbidden, v, err.Error())
		return
	}
	k, err := c.svc.CreateAccessKey(r.Context(), u.ID, u.ID, policy)
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showKeys(w, r, u, status, v, msg)
		}
		return
	}
	c.showKeys(w, r, u, http.StatusCreated, keysView{Created: &k}, "")
}

func (c *Console) rotateKey(w http.ResponseWriter, r *http.Request, u *user) {
	if err := c.allowedKeyAction(r, u, "mercato:RotateAccessKey"); err != nil {
		c.showKeys(w, r, u, http.StatusForbidden, keysView{}, err.Error())
		return
	}
	old := r.PathValue("key")
	k, err := c.svc.RotateAccessKey(r.Context(), u.ID, u.ID, old)
	if err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showKeys(w, r, u, status, keysView{}, msg)
		}
		return
	}
	c.showKeys(w, r, u, http.StatusCreated, keysView{Created: &k, Replaced: old}, "")
}

// revokeKey revokes a key. Revoking the key this session signed in with ends the session, as
// the next request finds the key revoked.
func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request, u *user) {
	if err := c.allowedKeyAction(r, u, "mercato:RevokeAccessKey"); err != nil {
		c.showKeys(w, r, u, http.StatusForbidden, keysView{}, err.Error())
		return
	}
	if err := c.svc.RevokeAccessKey(r.Context(), u.ID, u.ID, r.PathValue("key")); err != nil {
		if status, msg, ok := c.formProblem(w, r, u, err); ok {
			c.showKeys(w, r, u, status, keysView{}, msg)
		}
		return
	}
	http.Redirect(w, r, "/console/keys?notice=key-revoked", http.StatusSeeOther)
}

// allowedKeyAction checks the session key's policy, as the signed API does: a key restricted to
// AWS Marketplace actions may not mint itself a stronger key through the console either.
func (c *Console) allowedKeyAction(r *http.Request, u *user, action string) error {
	return c.authorize(r, u, action, "*")
}
