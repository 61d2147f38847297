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

// resourceKeys computes the keys that cost a read, once each per request: the agreement is
// read once for both of its keys, and the resource's tags once for all aws:ResourceTag/ keys.
func (s *Service) resourceKeys(ctx context.Context, caller, resource string) iam.ContextFunc {
	var agreementOnce, tagsOnce sync.Once
	var party, agreementType []string
	var tags []mercato.Tag
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
			agreementOnce.Do(agreement)
			return party, party != nil
		case key == keyAgreementType:
			agreementOnce.Do(agreement)
			return agreementType, agreementType != nil
		case strings.HasPrefix(key, keyResourceTag):
			tagsOnce.Do(func() { tags = s.resourceTags(ctx, caller, resource) })
			return tagValue(tags, strings.TrimPrefix(key, keyResourceTag))
		}
		return nil, false
	}
}

// resourceTags are the tags of one of the caller's catalog resources; none for "*", an
// agreement, or a resource the caller cannot read.
func (s *Service) resourceTags(ctx context.Context, caller, resource string) []mercato.Tag {
	if resource == "*" || strings.Contains(resource, agreementARNPart) {
		return nil
	}
	tags, err := s.Tags(ctx, caller, resource)
	if err != nil {
		return nil
	}
	return tags
}

// tagValue is the value of the tag whose key is key, matched regardless of case as IAM matches
// tag keys in condition keys.
func tagValue(tags []mercato.Tag, key string) ([]string, bool) {
	for _, t := range tags {
		if strings.EqualFold(t.Key, key) {
			return []string{t.Value}, true
		}
	}
	return nil, false
}

// deny words a refusal as AWS's AccessDeniedException.
func deny(c *Credential, action, resource string, d iam.Decision) error {
	return &mercato.Error{Code: mercato.EForbidden, Message: iam.DeniedMessage(c.Principal(), action, resource, d)}
}
