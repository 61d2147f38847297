package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"mercato"
	"mercato/iam"
)

// keyTTL is how long a node trusts what it read of an access key before reading it again: the
// bound on how long a revoked key, or a key whose policy changed, keeps working on another node.
// A signed request reads its key at most once per keyTTL, which keeps the hot paths (e.g.
// DescribeAgreement) off the key table.
const keyTTL = 2 * time.Second

// maxActiveKeys bounds the active keys of one account created online (scenario files may
// declare more).
const maxActiveKeys = 10

// Credential is what signature verification and permission checks need of an access key.
type Credential struct {
	AccountID string
	KeyID     string
	Secret    string
	Policy    *iam.Policy // nil: full access for the account's roles
	read      time.Time   // wall time it was read, for keyTTL
}

// Principal is the ARN that AccessDeniedException messages name the key's holder by.
func (c *Credential) Principal() string {
	return "arn:aws:iam::" + c.AccountID + ":user/" + c.KeyID
}

// Credential returns the active access key keyID. ENotFound for an unknown or revoked key. What
// it returns may be up to keyTTL old.
func (s *Service) Credential(ctx context.Context, keyID string) (*Credential, error) {
	if v, ok := s.keys.Load(keyID); ok {
		if c := v.(*Credential); time.Since(c.read) < keyTTL {
			return c, nil
		}
	}
	c, err := s.readCredential(ctx, keyID)
	if err != nil {
		s.keys.Delete(keyID)
		return nil, err
	}
	s.keys.Store(keyID, c)
	return c, nil
}

func (s *Service) readCredential(ctx context.Context, keyID string) (*Credential, error) {
	var c *Credential
	err := s.view(ctx, func(tx mercato.Tx) error {
		a, err := tx.AccountByAccessKey(keyID)
		if err != nil {
			return err
		}
		if err := s.openKeys(tx, &a); err != nil {
			return err
		}
		for _, k := range a.AccessKeys {
			if k.ID == keyID && k.Active() {
				c = &Credential{AccountID: a.ID, KeyID: k.ID, Secret: k.Secret, read: time.Now()}
				if c.Policy, err = iam.Resolve(k.Policy); err != nil {
					// Policies are checked when stored; one that no longer reads allows nothing.
					s.log.Error("access key policy unreadable", "key", k.ID, "err", err)
					c.Policy = &iam.Policy{Version: iam.Version2012}
				}
				return nil
			}
		}
		return mercato.NotFound("AccessKey", keyID)
	})
	return c, err
}

// AccessKey returns the account an active access key belongs to and the key's secret, for
// request signature verification. ENotFound for an unknown or revoked key.
func (s *Service) AccessKey(ctx context.Context, keyID string) (accountID, secret string, err error) {
	c, err := s.Credential(ctx, keyID)
	if err != nil {
		return "", "", err
	}
	return c.AccountID, c.Secret, nil
}

// Authorize checks that the key's policy allows action (e.g. "aws-marketplace:DescribeAgreement")
// on resource (an ARN, or "*"), its conditions seeing the request's context (see
// requestContext; iam.WithRequestKeys adds a transport's keys). EForbidden, worded as AWS's
// AccessDeniedException, when it does not; ENotFound for an unknown or revoked key; the read's
// error when a condition key of the resource could not be read.
func (s *Service) Authorize(ctx context.Context, keyID, action, resource string) error {
	c, err := s.Credential(ctx, keyID)
	if err != nil {
		return err
	}
	r := iam.Request{Action: action, Resource: resource}
	var keys *resourceKeys
	if c.Policy.HasConditions() {
		keys = s.resourceKeys(context.WithoutCancel(ctx), c.AccountID, resource)
		r.Context = s.requestContext(ctx, c, keys)
	}
	d := c.Policy.EvaluateRequest(r)
	if keys != nil && keys.err != nil { // a key that could not be read decides nothing
		return fmt.Errorf("authorize %s on %s: %w", action, resource, keys.err)
	}
	if d != iam.Allowed {
		return deny(c, action, resource, d)
	}
	return nil
}

// newAccessKey returns a new key with AWS's shapes: a 20-character ID starting AKIA, a
// 40-character secret.
func newAccessKey(policy string, now time.Time) mercato.AccessKey {
	id := make([]byte, 10)
	secret := make([]byte, 30)
	rand.Read(id)     //nolint:errcheck // crypto/rand.Read never fails
	rand.Read(secret) //nolint:errcheck // crypto/rand.Read never fails
	return mercato.AccessKey{
		ID:      "AKIA" + base32Upper.EncodeToString(id),
		Secret:  base64.StdEncoding.EncodeToString(secret),
		Policy:  policy,
		Status:  mercato.KeyActive,
		Created: now,
	}
}
