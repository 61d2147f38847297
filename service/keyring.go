package service

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"mercato"
)

// Access key secrets are stored encrypted: SigV4 verification needs the secret itself, so a
// hash cannot do. The key that encrypts them (the key-encryption key, 32 bytes for AES-256-GCM)
// comes from WithKeyEncryptionKey (the MERCATO_KEY_ENCRYPTION_KEY setting of the server), or
// else is generated once into the database's settings, which suits a sandbox: there it protects
// backups and dumps of the key table but not a copy of the whole database.

// sealedPrefix marks a stored secret as encrypted; secrets stored before encryption existed are
// read as they are.
const sealedPrefix = "aes256gcm:"

// kekSetting names the setting holding a generated key-encryption key.
const kekSetting = "key-encryption-key"

// keyring holds the AEAD that seals and opens secrets, set up once.
type keyring struct {
	mu   sync.Mutex
	key  []byte // from WithKeyEncryptionKey, or nil
	aead cipher.AEAD
}

// WithKeyEncryptionKey sets the 32-byte key that encrypts access key secrets at rest. Every node
// sharing a database must be given the same key. Without it, a key is generated into the
// database's settings the first time one is needed.
func WithKeyEncryptionKey(key []byte) Option {
	return func(s *Service) { s.keyring.key = key }
}

// ParseKeyEncryptionKey reads a key-encryption key written as 64 hex digits or as standard
// base64 of 32 bytes. EInvalid otherwise.
func ParseKeyEncryptionKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, mercato.Errorf(mercato.EInvalid, "the key-encryption key must be 32 bytes, as 64 hex digits or base64")
}

// sealer returns the AEAD, reading or creating the generated key in tx when no key was given.
func (s *Service) sealer(tx mercato.Tx) (cipher.AEAD, error) {
	r := &s.keyring
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aead != nil {
		return r.aead, nil
	}
	key := r.key
	if key == nil {
		var err error
		if key, err = generatedKEK(tx); err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, mercato.Errorf(mercato.EInvalid, "key-encryption key: %v", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	r.aead = aead
	return aead, nil
}

// generatedKEK reads the key-encryption key from the settings, creating it the first time.
func generatedKEK(tx mercato.Tx) ([]byte, error) {
	v, err := tx.GetSetting(kekSetting)
	if mercato.ErrorCodeOf(err) == mercato.ENotFound {
		b := make([]byte, 32)
		rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
		v = hex.EncodeToString(b)
		err = tx.PutSetting(kekSetting, v)
	}
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	return hex.DecodeString(v)
}

// seal encrypts a secret; the key ID is authenticated with it, so that a sealed secret copied
// onto another key's row does not open.
func seal(aead cipher.AEAD, keyID, secret string) string {
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce) //nolint:errcheck // crypto/rand.Read never fails
	out := aead.Seal(nonce, nonce, []byte(secret), []byte(keyID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out)
}

// open decrypts what seal stored; a secret stored in clear (before encryption) is returned as is.
func open(aead cipher.AEAD, keyID, stored string) (string, error) {
	b64, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", fmt.Errorf("secret of access key %s is corrupt", keyID)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(keyID))
	if err != nil {
		return "", fmt.Errorf("secret of access key %s does not open with this key-encryption key", keyID)
	}
	return string(plain), nil
}

// sealKeys encrypts the secrets of an account's keys that are not encrypted yet.
func (s *Service) sealKeys(tx mercato.Tx, a *mercato.Account) error {
	aead, err := s.sealer(tx)
	if err != nil {
		return err
	}
	keys := make([]mercato.AccessKey, len(a.AccessKeys))
	for i, k := range a.AccessKeys {
		if !strings.HasPrefix(k.Secret, sealedPrefix) {
			k.Secret = seal(aead, k.ID, k.Secret)
		}
		keys[i] = k
	}
	a.AccessKeys = keys
	return nil
}

// openKeys decrypts the secrets of an account's keys as read from the store. Without any sealed
// secret it needs no key, and so never creates one (it may run in a read-only transaction).
func (s *Service) openKeys(tx mercato.Tx, a *mercato.Account) error {
	if !slices.ContainsFunc(a.AccessKeys, func(k mercato.AccessKey) bool { return strings.HasPrefix(k.Secret, sealedPrefix) }) {
		return nil
	}
	aead, err := s.sealer(tx)
	if err != nil {
		return err
	}
	for i := range a.AccessKeys {
		k := &a.AccessKeys[i]
		if k.Secret, err = open(aead, k.ID, k.Secret); err != nil {
			return err
		}
	}
	return nil
}

// base32Upper writes key IDs as AWS does: upper-case letters and digits 2-7.
var base32Upper = base32.StdEncoding.WithPadding(base32.NoPadding)
