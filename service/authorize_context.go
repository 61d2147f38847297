package service

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"mercato"
	"mercato/iam"
)

// Condition keys mercato knows of every request, and those of AWS Marketplace's resources.
const (
	keyCurrentTime      = "aws:CurrentTime"
	keyEpochTime        = "aws:EpochTime"
	keyPrincipalAccount = "aws:PrincipalAccount"
	keyPrincipalArn     = "aws:PrincipalArn"
	keyPrincipalType    = "aws:PrincipalType"
	keyResourceTag      = "aws:resourcetag/" // lower-cased: keys arrive lower-cased
	keyPartyType        = "aws-marketplace:partytype"
	keyAgreementType    = "aws-marketplace:agreementtype"
)

// agreementARNPart is what an agreement's ARN holds before the agreement's ID.
const agreementARNPart = ":" + Catalog + "/Agreement/"

// requestContext is what a key's policy conditions see of a request on resource: the keys the
// transport put in ctx (source address, TLS, region, the input's keys), the time of the
// marketplace's clock (the sandbox's simulated time), the principal, and keys read from the
// store only if a condition asks for them: an agreement's aws-marketplace:PartyType (the
// caller's side) and AgreementType, and a catalog resource's aws:ResourceTag/<key>.
func (s *Service) requestContext(ctx context.Context, c *Credential, resource string) iam.Context {
	now := s.clock.Now().UTC()
	global := iam.Keys{}
	global.Set(keyCurrentTime, now.Format(time.RFC3339))
	global.Set(keyEpochTime, strconv.FormatInt(now.Unix(), 10))
	global.Set(keyPrincipalAccount, c.AccountID)
	global.Set(keyPrincipalArn, c.Principal())
	global.Set(keyPrincipalType, "User")
	return iam.Merge(iam.RequestKeys(ctx), global, s.resourceKeys(context.WithoutCancel(ctx), c.AccountID, resource))
}

// resourceKeys computes the keys that cost a read, once each per request.
func (s *Service) resourceKeys(ctx context.Context, caller, resource string) iam.ContextFunc {
	var once sync.Once
	var party, agreementType []string
	agreement := func() {
		_, id, ok := strings.Cut(resource, agreementARNPart)
		if !ok {
			return
		}
		a, err := s.Agreement(ctx, id)
		if err != nil {
			return // no such agreement: the keys are absent, and the call will say not found
		}
		if p, ok := partyOf(&a, caller); ok {
			party, agreementType = []string{string(p)}, []string{AgreementType}
		}
	}
	return func(key string) ([]string, bool) {
		switch {
		case key == keyPartyType:
			once.Do(agreement)
			return party, party != nil
		case key == keyAgreementType:
			once.Do(agreement)
			return agreementType, agreementType != nil
		case strings.HasPrefix(key, keyResourceTag):
			return s.resourceTag(ctx, caller, resource, strings.TrimPrefix(key, keyResourceTag))
		}
		return nil, false
	}
}

// resourceTag is the value of the tag (its key matched regardless of case, as IAM matches tag
// keys in condition keys) of one of the caller's catalog resources.
func (s *Service) resourceTag(ctx context.Context, caller, resource, tag string) ([]string, bool) {
	if resource == "*" || strings.Contains(resource, agreementARNPart) {
		return nil, false
	}
	tags, err := s.Tags(ctx, caller, resource)
	if err != nil {
		return nil, false
	}
	for _, t := range tags {
		if strings.EqualFold(t.Key, tag) {
			return []string{t.Value}, true
		}
	}
	return nil, false
}

// deny words a refusal as AWS's AccessDeniedException.
func deny(c *Credential, action, resource string, d iam.Decision) error {
	return &mercato.Error{Code: mercato.EForbidden, Message: iam.DeniedMessage(c.Principal(), action, resource, d)}
}
