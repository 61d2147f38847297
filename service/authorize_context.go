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

// requestContext is what a key's policy conditions see of a request: the keys the transport
// put in ctx (source address, TLS, region, the input's keys), the time of the marketplace's
// clock (the sandbox's simulated time), the principal, and the resource's keys, read from the
// store only if a condition asks for them (resourceKeys).
func (s *Service) requestContext(ctx context.Context, c *Credential, resource *resourceKeys) iam.Context {
	now := s.clock.Now().UTC()
	global := iam.Keys{}
	global.Set(keyCurrentTime, now.Format(time.RFC3339))
	global.Set(keyEpochTime, strconv.FormatInt(now.Unix(), 10))
	global.Set(keyPrincipalAccount, c.AccountID)
	global.Set(keyPrincipalArn, c.Principal())
	global.Set(keyPrincipalType, "User")
	return iam.Merge(iam.RequestKeys(ctx), global, resource)
}

// resourceKeys are the keys of a request's resource that cost a read, each read once: an
// agreement's aws-marketplace:PartyType (the caller's side) and AgreementType, and a catalog
// resource's aws:ResourceTag/<key>. A resource that does not exist has none of them; a read
// that fails otherwise is kept in err, for the check to fail rather than decide without it.
type resourceKeys struct {
	s                       *Service
	ctx                     context.Context
	caller, resource        string
	agreementOnce, tagsOnce sync.Once
	party, agreementType    []string
	tags                    []mercato.Tag
	err                     error
}

func (s *Service) resourceKeys(ctx context.Context, caller, resource string) *resourceKeys {
	return &resourceKeys{s: s, ctx: ctx, caller: caller, resource: resource}
}

// Value implements iam.Context.
func (k *resourceKeys) Value(key string) ([]string, bool) {
	switch {
	case key == keyPartyType:
		k.agreementOnce.Do(k.readAgreement)
		return k.party, k.party != nil
	case key == keyAgreementType:
		k.agreementOnce.Do(k.readAgreement)
		return k.agreementType, k.agreementType != nil
	case strings.HasPrefix(key, keyResourceTag):
		k.tagsOnce.Do(k.readTags)
		return tagValue(k.tags, strings.TrimPrefix(key, keyResourceTag))
	}
	return nil, false
}

func (k *resourceKeys) readAgreement() {
	_, id, ok := strings.Cut(k.resource, agreementARNPart)
	if !ok {
		return
	}
	a, err := k.s.Agreement(k.ctx, id)
	if err != nil {
		k.failed(err) // no such agreement: the keys are absent, and the call will say not found
		return
	}
	if p, ok := partyOf(&a, k.caller); ok {
		k.party, k.agreementType = []string{string(p)}, []string{AgreementType}
	}
}

// readTags reads the tags of one of the caller's catalog resources; none for "*", an
// agreement, or a resource the caller does not have.
func (k *resourceKeys) readTags() {
	if k.resource == "*" || strings.Contains(k.resource, agreementARNPart) {
		return
	}
	tags, err := k.s.Tags(k.ctx, k.caller, k.resource)
	if err != nil {
		k.failed(err)
		return
	}
	k.tags = tags
}

// failed keeps a read's error unless it says the resource does not exist.
func (k *resourceKeys) failed(err error) {
	if mercato.ErrorCodeOf(err) != mercato.ENotFound && k.err == nil {
		k.err = err
	}
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
