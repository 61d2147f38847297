// Package e2e holds mercato's end-to-end tests: they build the mercato binary, start it in
// sandbox mode on a scenario of their own (testdata/scenario.yaml) and drive the Marketplace
// Agreement API through the official AWS SDKs, the Go SDK in both of its protocols (RPC v2
// CBOR, the default, and awsJson1_0) and the JavaScript SDK v3 (TestJavaScriptSDK). The
// Entitlement API is driven through boto3, the AWS CLI, the JavaScript SDK and a CBOR request
// shaped as the Go SDK's, and a SaaS registration flow (testdata/saas.yaml) through a real
// receiving page, the Go SDK's Metering client, boto3 and the CLI. Golden
// files in testdata/golden pin the wire form of every response; `go test ./e2e -update`
// rewrites them. The benchmarks (go test ./e2e -run '^$' -bench .) measure the real server
// under 32 concurrent clients against a bare SigV4-verifying handler.
package e2e
