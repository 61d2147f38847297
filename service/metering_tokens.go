package service

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"mercato"
)

// parseRegistrationToken verifies a token made by registrationToken and returns what it
// carries.
func parseRegistrationToken(key []byte, token string) (registration, bool) {
	var r registration
	body64, mac64, ok := strings.Cut(token, ".")
	if !ok {
		return r, false
	}
	enc := base64.RawURLEncoding
	body, err1 := enc.DecodeString(body64)
	mac, err2 := enc.DecodeString(mac64)
	if err1 != nil || err2 != nil {
		return r, false
	}
	m := hmac.New(sha256.New, key)
	m.Write(body)
	if !hmac.Equal(mac, m.Sum(nil)) || json.Unmarshal(body, &r) != nil {
		return registration{}, false
	}
	return r, true
}

// signedMACLen is how much of a MAC signed values keep: 80 bits.
const signedMACLen = 10

// encodeSigned returns payload with a MAC for purpose, base64url-encoded: a value the
// marketplace can later check it issued, for that purpose only.
func encodeSigned(key []byte, purpose string, payload []byte) string {
	return base64.RawURLEncoding.EncodeToString(append(payload[:len(payload):len(payload)], purposeMAC(key, purpose, payload)...))
}

// decodeSigned returns the payload of a value made by encodeSigned for purpose.
func decodeSigned(key []byte, purpose, value string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) <= signedMACLen {
		return nil, false
	}
	payload, mac := b[:len(b)-signedMACLen], b[len(b)-signedMACLen:]
	return payload, hmac.Equal(mac, purposeMAC(key, purpose, payload))
}

func purposeMAC(key []byte, purpose string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:signedMACLen]
}

// MeteringPublicKeyVersion is the only public key version RegisterUsage signs with.
const MeteringPublicKeyVersion = 1

// meteringKey returns the Ed25519 key RegisterUsage signs with, derived from the marketplace's
// secret so that every node of a database has the same.
func (s *Service) meteringKey(ctx context.Context) (ed25519.PrivateKey, error) {
	secret, err := s.secret(ctx)
	if err != nil {
		return nil, err
	}
	seed := sha256.Sum256(append([]byte("register-usage:"), secret...))
	return ed25519.NewKeyFromSeed(seed[:]), nil
}

// MeteringPublicKey returns the public key that verifies RegisterUsage signatures (EdDSA
// JWTs), the counterpart of the key AWS publishes per public key version.
func (s *Service) MeteringPublicKey(ctx context.Context) (ed25519.PublicKey, error) {
	k, err := s.meteringKey(ctx)
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}

// RegisterUsageInput is a paid container product checking, at start-up, that the account it
// runs in (the caller) may use it.
type RegisterUsageInput struct {
	ProductCode      string
	PublicKeyVersion int
	Nonce            string
}

// registerClaims is what a RegisterUsage signature asserts.
type registerClaims struct {
	ProductCode      string `json:"productCode"`
	PublicKeyVersion int    `json:"publicKeyVersion"`
	CustomerAccount  string `json:"customerAWSAccountId"`
	LicenseArn       string `json:"licenseArn"`
	Nonce            string `json:"nonce,omitempty"`
	IssuedAt         int64  `json:"iat"` // business time
}

// RegisterUsage checks that the caller has an active agreement for a container product and
// returns a signature of that (a JWT signed with EdDSA, verified with MeteringPublicKey) that
// echoes the nonce. The marketplace does not meter containers by the hour: sellers report their
// usage with MeterUsage. Errors: ReasonInvalidProductCode (unknown, or not a container
// product), ReasonInvalidPublicKeyVersion, ReasonCustomerNotEntitled.
func (s *Service) RegisterUsage(ctx context.Context, caller string, in RegisterUsageInput) (string, error) {
	if in.PublicKeyVersion != MeteringPublicKeyVersion {
		return "", meterError(mercato.EInvalid, mercato.ReasonInvalidPublicKeyVersion,
			"public key version %d is unknown; the current one is %d", in.PublicKeyVersion, MeteringPublicKeyVersion)
	}
	now := s.Now()
	claims := registerClaims{ProductCode: in.ProductCode, PublicKeyVersion: in.PublicKeyVersion, CustomerAccount: caller,
		Nonce: in.Nonce, IssuedAt: now.Unix()}
	err := s.view(ctx, func(tx mercato.Tx) error {
		p, err := meteredProduct(tx, in.ProductCode)
		if err != nil {
			return err
		}
		if p.Type != mercato.ProductContainer {
			return meterError(mercato.EInvalid, mercato.ReasonInvalidProductCode,
				"product %s is a %s product; RegisterUsage is for container products", in.ProductCode, p.Type)
		}
		spans, err := tx.CustomerAgreements(p.ID, []string{caller})
		if err != nil {
			return err
		}
		for _, sp := range spans {
			if sp.Status == mercato.AgreementActive && sp.ActiveAt(now) {
				claims.LicenseArn = LicenseArn(&mercato.Agreement{ID: sp.ID, AcceptorID: sp.AcceptorID})
				return nil
			}
		}
		return meterError(mercato.EForbidden, mercato.ReasonCustomerNotEntitled,
			"account %s has no active agreement for product %s", caller, in.ProductCode)
	})
	if err != nil {
		return "", err
	}
	return s.signJWT(ctx, claims)
}

// signJWT returns claims as a compact JWS signed with the metering key.
func (s *Service) signJWT(ctx context.Context, claims any) (string, error) {
	k, err := s.meteringKey(ctx)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"JWT","kid":"1"}`)) + "." + enc.EncodeToString(payload)
	return signing + "." + enc.EncodeToString(ed25519.Sign(k, []byte(signing))), nil
}
