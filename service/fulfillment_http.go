package service

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// fulfillmentTimeout bounds one POST to a fulfillment URL: a seller's page that does not
// answer must not hold the job runner, which retries the job later.
const fulfillmentTimeout = 10 * time.Second

var fulfillmentClient = &http.Client{
	Timeout: fulfillmentTimeout,
	// A registration page answers with a redirect to the seller's sign-up; the token arrived.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// PostFulfillment POSTs token to target as a browser submits the registration form:
// application/x-www-form-urlencoded with the field x-amzn-marketplace-token. Any answer below
// 400 delivers it (pages answer 200, or redirect to a sign-up); others are errors.
func PostFulfillment(ctx context.Context, target, token string) error {
	body := url.Values{FulfillmentTokenField: {token}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := fulfillmentClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 400 {
		return fmt.Errorf("the fulfillment URL answered %s", resp.Status)
	}
	return nil
}
