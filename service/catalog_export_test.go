package service

import (
	"context"
	"errors"
)

// FailChangeSetOnFault ends a change set as its job does when it gives up on a fault.
func FailChangeSetOnFault(ctx context.Context, s *Service, id string) error {
	return s.failOnFault(ctx, id, errors.New("a fault of the test"))
}
