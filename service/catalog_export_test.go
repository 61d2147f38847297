package service

import (
	"context"
	"encoding/json"
	"errors"

	"mercato"
)

// FailChangeSetOnFault ends a change set as its job does when it gives up on a fault.
func FailChangeSetOnFault(ctx context.Context, s *Service, id string) error {
	return s.failOnFault(ctx, id, errors.New("a fault of the test"))
}

// ApplyChangeSet runs the job of a change set now, as the scheduler would, so that tests can
// run two at once.
func ApplyChangeSet(ctx context.Context, s *Service, id string) error {
	payload, err := json.Marshal(id)
	if err != nil {
		return err
	}
	return s.applyChangeSet(ctx, mercato.Job{Kind: jobApplyChangeSet, Key: "change-set:" + id, Payload: payload})
}
