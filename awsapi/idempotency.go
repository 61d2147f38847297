package awsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// RequestHash returns a canonical hash of a decoded input: the hex SHA-256 of its JSON
// encoding with the top-level member tokenMember (e.g. "clientToken", or "ClientToken" in
// Metering) removed and the top-level members sorted. Two requests with the same hash ask
// for the same thing, so the service can tell a retry (same token, same hash: replay the
// result) from a misuse (same token, another hash: conflict). Members the server does not
// know are not part of the hash, since decoding dropped them.
func RequestHash(in any, tokenMember string) (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return "", err
	}
	delete(members, tokenMember)
	b, err = json.Marshal(members) // map keys are sorted
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
