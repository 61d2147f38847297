package main

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/spf13/cobra"
)

// signedRemote is a remote whose every call is signed with an account's access key: the events,
// refunds and resale commands call a server this way.
type signedRemote struct {
	remote
	accessKey, secretKey string
}

// flags adds the server's flag and the signing key's.
func (s *signedRemote) flags(cmd *cobra.Command) {
	s.remote.flags(cmd)
	pf := cmd.PersistentFlags()
	pf.StringVar(&s.accessKey, "access-key", envOr("MERCATO_ACCESS_KEY_ID", ""), "access key ID to sign with (env MERCATO_ACCESS_KEY_ID)")
	pf.StringVar(&s.secretKey, "secret-key", envOr("MERCATO_SECRET_ACCESS_KEY", ""), "secret access key (env MERCATO_SECRET_ACCESS_KEY)")
}

// sendJSON signs and sends one call and returns its answer; body, when not nil, is sent as JSON.
// A GET sends no body; any other call declares JSON even with no body, since the server refuses
// any other POST to /_mercato/.
func (s *signedRemote) sendJSON(cmd *cobra.Command, method, path string, body any) ([]byte, error) {
	if s.accessKey == "" {
		return nil, errors.New("sign with --access-key and --secret-key (or MERCATO_ACCESS_KEY_ID and MERCATO_SECRET_ACCESS_KEY)")
	}
	s.sign = signer(s.accessKey, s.secretKey)
	if method == http.MethodGet {
		return s.send(cmd, method, path, "", nil)
	}
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	return s.send(cmd, method, path, "application/json", data)
}

// callJSON is sendJSON that prints the answer.
func (s *signedRemote) callJSON(cmd *cobra.Command, method, path string, body any) error {
	out, err := s.sendJSON(cmd, method, path, body)
	if err == nil {
		_, err = cmd.OutOrStdout().Write(out)
	}
	return err
}
