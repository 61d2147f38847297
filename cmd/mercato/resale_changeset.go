package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mercato"
)

// changeSetOut is what mercato resale prints of a change set: its status, the entities of its
// changes and the errors of those that failed.
type changeSetOut struct {
	ChangeSetID string   `json:"changeSetId"`
	Status      string   `json:"status"`
	Entities    []string `json:"entities,omitempty"`
	Errors      []string `json:"errors,omitempty"`
	Failure     string   `json:"failure,omitempty"`
}

// describedOfSet is the part of DescribeChangeSet's answer the CLI reads.
type describedOfSet struct {
	ChangeSetId, Status, FailureDescription string
	ChangeSet                               []struct {
		ChangeType      string
		Entity          struct{ Identifier string }
		ErrorDetailList []struct{ ErrorCode, ErrorMessage string }
	}
}

// changeSet starts the changes as a Catalog change set, waits until it ends (up to --wait),
// prints it, and fails when the change set did.
func (c *resaleCLI) changeSet(cmd *cobra.Command, changes []mercato.Change) error {
	wire := make([]map[string]any, 0, len(changes))
	for _, ch := range changes {
		w := map[string]any{"ChangeType": ch.ChangeType, "Entity": map[string]any{"Type": ch.EntityType}, "DetailsDocument": ch.Details}
		if ch.EntityID != "" {
			w["Entity"] = map[string]any{"Type": ch.EntityType, "Identifier": ch.EntityID}
		}
		if ch.ChangeName != "" {
			w["ChangeName"] = ch.ChangeName
		}
		wire = append(wire, w)
	}
	body, err := c.r.sendJSON(cmd, http.MethodPost, "/StartChangeSet", map[string]any{"Catalog": "AWSMarketplace",
		"ChangeSet": wire, "ClientRequestToken": "cli-" + randomToken()})
	if err != nil {
		return err
	}
	var started struct{ ChangeSetId string }
	if err := json.Unmarshal(body, &started); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	out, err := c.follow(cmd, started.ChangeSetId)
	if err != nil {
		return err
	}
	if err := printJSON(cmd, out); err != nil {
		return err
	}
	if out.Status == "FAILED" {
		return fmt.Errorf("change set %s failed: %s", out.ChangeSetID, strings.Join(append(out.Errors, out.Failure), "; "))
	}
	return nil
}

// follow describes the change set until it has ended or --wait has passed.
func (c *resaleCLI) follow(cmd *cobra.Command, id string) (changeSetOut, error) {
	deadline := time.Now().Add(c.wait)
	for {
		body, err := c.r.sendJSON(cmd, http.MethodGet, "/DescribeChangeSet?catalog=AWSMarketplace&changeSetId="+url.QueryEscape(id), nil)
		if err != nil {
			return changeSetOut{}, err
		}
		var d describedOfSet
		if err := json.Unmarshal(body, &d); err != nil {
			return changeSetOut{}, fmt.Errorf("reading the server's answer: %w", err)
		}
		ended := d.Status == "SUCCEEDED" || d.Status == "FAILED" || d.Status == "CANCELLED"
		if ended || !time.Now().Before(deadline) {
			return summarize(d), nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// summarize keeps what the CLI prints of a described change set.
func summarize(d describedOfSet) changeSetOut {
	out := changeSetOut{ChangeSetID: d.ChangeSetId, Status: d.Status, Failure: d.FailureDescription}
	for _, ch := range d.ChangeSet {
		out.Entities = append(out.Entities, ch.Entity.Identifier)
		for _, e := range ch.ErrorDetailList {
			out.Errors = append(out.Errors, ch.ChangeType+": "+e.ErrorMessage)
		}
	}
	return out
}

// printJSON prints v as one line of JSON.
func printJSON(cmd *cobra.Command, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
	return err
}

// randomToken is a client request token: a retried command is a new request.
func randomToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
