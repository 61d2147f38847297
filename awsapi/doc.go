// Package awsapi is the protocol layer of mercato's AWS-compatible APIs: it serves the
// Marketplace Agreement service over awsJson1_0 and Smithy RPC v2 CBOR, and the Metering
// and Entitlement services over awsJson1_1, so that the official AWS SDKs work unchanged
// against a mercato server.
//
// The package provides the machinery; operations plug in:
//
//	describe := awsapi.Op("DescribeAgreement",
//		func(ctx context.Context, in *DescribeAgreementInput) (*DescribeAgreementOutput, error) {
//			caller, _ := awsapi.CallerFrom(ctx) // the verified 12-digit account
//			...
//			return nil, mercato.NotFound("Agreement", in.AgreementID) // ResourceNotFoundException
//		})
//	h, err := awsapi.NewHandler(awsapi.Config{BasePath: "/aws", Auth: &awsapi.Verifier{Credentials: creds}},
//		awsapi.Agreement(describe /*, ...*/))
//	mux.Handle("/aws/", h)
//
// Input and output structs name their wire members with json tags; the CBOR codec falls
// back to the same tags. Optional members must be tagged omitempty (or omitzero for a
// Timestamp value) so that absent members are left out rather than sent as null;
// timestamps use Timestamp; money stays a string. As with encoding/json, JSON member names
// match case-insensitively on input; CBOR ones match exactly.
//
// An input struct implementing Validator is validated before the operation runs, with the
// helpers of validate.go reporting every bad field at once. Operations return
// *mercato.Error values, which the service's ErrorTable maps to AWS exceptions, or an
// *Exception to name the exception explicitly. Protocol.Marshal and Protocol.MarshalError
// encode outputs and errors exactly as the Handler does, for golden files; WithCall lets
// tests call an operation directly as the Handler would.
package awsapi
