package awsapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/marketplaceagreement"
	"github.com/google/go-cmp/cmp"

	"mercato"
	"mercato/awsapi"
)

// logLine is one JSON line of the request log.
type logLine struct {
	Msg         string  `json:"msg"`
	Level       string  `json:"level"`
	RequestID   string  `json:"requestId"`
	Service     string  `json:"service"`
	Operation   string  `json:"operation"`
	Caller      string  `json:"caller"`
	Status      int     `json:"status"`
	LatencyMs   float64 `json:"latencyMs"`
	ErrorCode   string  `json:"errorCode"`
	AccessKeyID string  `json:"accessKeyId"`
	Reason      string  `json:"reason"`
}

// TestRequestLog sends requests through the real SDK that succeed, fail in the operation, fail
// validation and are refused at the signature, and checks that each response's request ID is
// in exactly one log line, which says what happened, and that no secret is logged.
func TestRequestLog(t *testing.T) {
	var observed []awsapi.RequestLog
	var mu sync.Mutex
	logs := &syncBuffer{}
	env := newEnv(t, "", func(c *awsapi.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(logs, nil))
		c.Observe = func(rl awsapi.RequestLog) {
			mu.Lock()
			defer mu.Unlock()
			observed = append(observed, rl)
		}
	})
	wrongSecret := mercato.AccessKey{ID: keyOf(buyer).ID, Secret: "not-the-secret-42"}
	cases := []struct {
		name string
		id   string
		opts []clientOpt
		want logLine
	}{
		{"ok", "agmt-1", nil, logLine{Level: "INFO", Status: 200, Caller: buyer.ID}},
		{"ok json", "agmt-1", []clientOpt{withJSON()}, logLine{Level: "INFO", Status: 200, Caller: buyer.ID}},
		{"not found", "agmt-missing", nil,
			logLine{Level: "INFO", Status: 404, Caller: buyer.ID, ErrorCode: "ResourceNotFoundException"}},
		{"invalid", "bad id!", nil, logLine{Level: "INFO", Status: 400, Caller: buyer.ID, ErrorCode: "ValidationException"}},
		{"refused signature", "agmt-1", []clientOpt{withKey(wrongSecret)}, logLine{Level: "WARN", Status: 403,
			ErrorCode: "InvalidSignatureException", AccessKeyID: wrongSecret.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := newClient(env.endpoint(), tc.opts...)
			out, err := client.DescribeAgreement(context.Background(), &marketplaceagreement.DescribeAgreementInput{
				AgreementId: aws.String(tc.id)})
			id := requestIDOf(t, out, err)
			line := findLogLine(t, logs.String(), id)
			if line.LatencyMs <= 0 || line.Msg != "aws request" {
				t.Errorf("line %+v: want msg \"aws request\" and a latency", line)
			}
			want := tc.want
			want.Msg, want.RequestID, want.LatencyMs = line.Msg, id, line.LatencyMs
			want.Service, want.Operation = awsapi.AgreementTarget, "DescribeAgreement"
			if want.Status == 403 {
				want.Operation, want.Reason = "", line.Reason // refused before the operation is looked up
				if !strings.Contains(line.Reason, "signature") {
					t.Errorf("reason %q does not say the signature was refused", line.Reason)
				}
			}
			if diff := cmp.Diff(want, line); diff != "" {
				t.Errorf("log line (-want +got):\n%s", diff)
			}
		})
	}
	if strings.Contains(logs.String(), wrongSecret.Secret) || strings.Contains(logs.String(), keyOf(buyer).Secret) ||
		strings.Contains(logs.String(), "Signature=") {
		t.Errorf("the log holds a secret or a signature:\n%s", logs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(observed) != len(cases) {
		t.Errorf("observed %d requests, want %d", len(observed), len(cases))
	}
}

// TestRequestLogUnknownRoute checks that a request to no served API is logged with empty
// service and operation (never its raw path or target) and still carries a request ID.
func TestRequestLogUnknownRoute(t *testing.T) {
	logs := &syncBuffer{}
	env := newEnv(t, "", func(c *awsapi.Config) { c.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	req := signedRequest(t, env.endpoint()+"/", jsonHeaders("NoSuchService_2020.Whatever"), []byte("{}"),
		keyOf(buyer), "aws-marketplace", "us-east-1", time.Now())
	status, hdr, _ := do(t, req)
	id := hdr.Get("x-amzn-RequestId")
	if status != http.StatusBadRequest || id == "" {
		t.Fatalf("status %d, request ID %q", status, id)
	}
	line := findLogLine(t, logs.String(), id)
	if line.Service != "" || line.Operation != "" || line.ErrorCode != "UnknownOperationException" {
		t.Errorf("line %+v", line)
	}
}

// requestIDOf returns the request ID of the SDK call's answer, from the error or the output's
// metadata.
func requestIDOf(t *testing.T, out *marketplaceagreement.DescribeAgreementOutput, err error) string {
	t.Helper()
	var id string
	var re *awshttp.ResponseError
	switch {
	case err == nil:
		id, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	case errors.As(err, &re):
		id = re.ServiceRequestID()
	}
	if id == "" {
		t.Fatalf("the answer (%v) carries no request ID", err)
	}
	return id
}

// findLogLine returns the one log line of the request id; the test fails unless there is
// exactly one.
func findLogLine(t *testing.T, logs, id string) logLine {
	t.Helper()
	var found []logLine
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q is not JSON: %v", sc.Text(), err)
		}
		if l.RequestID == id && l.Msg == "aws request" {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d log lines for request %s, want 1:\n%s", len(found), id, logs)
	}
	return found[0]
}

// TestRequestLogBoundsFloods: a flood of unsigned requests is answered 403 each time and
// observed each time (metrics), but logged only up to the burst; a later line says how many
// were held back.
func TestRequestLogBoundsFloods(t *testing.T) {
	var observed atomic.Int64
	env := newEnv(t, "", func(c *awsapi.Config) {
		c.Observe = func(awsapi.RequestLog) { observed.Add(1) }
	})
	const flood = 300
	send := func() {
		req, err := http.NewRequest(http.MethodPost, env.endpoint()+"/", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("unsigned request answered %d", resp.StatusCode)
		}
	}
	start := time.Now()
	for range flood {
		send()
	}
	// The burst of 50, and 10 a second of the time the flood took.
	most := 50 + int(time.Since(start).Seconds()*10) + 1
	lines := func() []string { return strings.Split(strings.TrimSpace(env.log.String()), "\n") }
	if n := len(lines()); n < 50 || n > most {
		t.Errorf("%d lines logged for %d refused requests, want 50 to %d", n, flood, most)
	}
	if n := observed.Load(); n != flood {
		t.Errorf("%d requests observed, want %d", n, flood)
	}
	time.Sleep(250 * time.Millisecond) // two lines' worth of the rate
	send()
	last := lines()[len(lines())-1]
	if !strings.Contains(last, "suppressed=") || !strings.Contains(last, "status=403") {
		t.Errorf("the line after the flood: %s", last)
	}
}
