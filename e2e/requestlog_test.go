package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
)

// Every answer of the real server to the SDK carries x-amzn-RequestId, and the server's log
// has one JSON line for that request with its operation, caller and status.
func TestRequestIDsInAnswersAndLog(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.seller.DescribeAgreement(ctx, &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String(agmtContract)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.stranger.DescribeAgreement(ctx, &marketplaceagreement.DescribeAgreementInput{AgreementId: aws.String(agmtContract)}); err == nil {
			t.Fatal("a stranger described the agreement")
		}
		if _, err := e.buyer1.SearchAgreements(ctx, &marketplaceagreement.SearchAgreementsInput{}); err != nil {
			t.Logf("search: %v", err) // its outcome does not matter here, only that it is logged
		}
		exchanges := e.rec.all()
		if len(exchanges) != 3 {
			t.Fatalf("%d exchanges recorded, want 3", len(exchanges))
		}
		// A request is logged once its answer is written: the last line may follow the answer.
		var lines map[string]requestLine
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			lines = logLines(t, e.srv.Output.String())
			if len(lines) >= len(exchanges) || time.Now().After(deadline) {
				break
			}
		}
		for _, x := range exchanges {
			id := x.header.Get("x-amzn-RequestId")
			l, ok := lines[id]
			switch {
			case id == "":
				t.Errorf("%s: no x-amzn-RequestId", x.operation)
			case !ok:
				t.Errorf("%s: request %s is not in the log", x.operation, id)
			case l.Operation != x.operation || l.Status != x.status:
				t.Errorf("%s answered %d: logged as %+v", x.operation, x.status, l)
			}
		}
	})
}

// requestLine is what the test reads of a request's log line.
type requestLine struct {
	Operation string `json:"operation"`
	Caller    string `json:"caller"`
	Status    int    `json:"status"`
}

// logLines returns the server's "aws request" log lines by request ID; a request logged twice
// fails the test.
func logLines(t *testing.T, output string) map[string]requestLine {
	t.Helper()
	out := map[string]requestLine{}
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var l struct {
			Msg       string `json:"msg"`
			RequestID string `json:"requestId"`
			requestLine
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "aws request" {
			continue
		}
		if _, dup := out[l.RequestID]; dup {
			t.Errorf("request %s logged twice", l.RequestID)
		}
		out[l.RequestID] = l.requestLine
	}
	return out
}
