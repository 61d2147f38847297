package main

import (
	"fmt"
	"log/slog"
	"os"

	"mercato/service"
)

// kekEnv names the environment variable holding the key that encrypts access key secrets at
// rest: 32 bytes as 64 hex digits or base64, the same on every node of a database.
const kekEnv = "MERCATO_KEY_ENCRYPTION_KEY"

// keyEncryptionKey returns the service option for the key-encryption key, if one is set. Without
// one the service generates a key into the database's settings, which is fine for a sandbox;
// a production server says that its secrets are then only as safe as the database.
func keyEncryptionKey(sandbox bool, log *slog.Logger) ([]service.Option, error) {
	v := os.Getenv(kekEnv)
	if v == "" {
		if !sandbox {
			log.Warn(kekEnv + " is not set: access key secrets are encrypted with a key kept in the database")
		}
		return nil, nil
	}
	key, err := service.ParseKeyEncryptionKey(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kekEnv, err)
	}
	return []service.Option{service.WithKeyEncryptionKey(key)}, nil
}
