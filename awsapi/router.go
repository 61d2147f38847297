package awsapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Service target prefixes (the Smithy service shape names).
const (
	AgreementTarget   = "AWSMPCommerceService_v20200301"
	MeteringTarget    = "AWSMPMeteringService"
	EntitlementTarget = "AWSMPEntitlementService"
)

// DefaultMaxBodyBytes is the default request body limit (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Operation is one API operation. Build it with Op.
type Operation struct {
	Name   string                                         // e.g. "DescribeAgreement"
	Action string                                         // IAM action; "aws-marketplace:"+Name if empty
	New    func() any                                     // returns a pointer to a new input struct
	Handle func(ctx context.Context, in any) (any, error) // in comes from New; out may be nil
}

// Validator is implemented by input structs that check themselves. The Handler calls
// Validate after decoding and before the operation; a mercato.EInvalid error (see
// mercato.Problems and Invalid) becomes a ValidationException whose message and fields list
// the bad fields, up to mercato.MaxProblems. Check a list's length before its elements.
type Validator interface {
	Validate() error
}

// Op returns the operation called name, served by fn. In and Out are structs whose json tags name
// the wire members; a nil *Out is an empty output ({} or an empty CBOR map).
func Op[In, Out any](name string, fn func(context.Context, *In) (*Out, error)) Operation {
	return Operation{
		Name: name,
		New:  func() any { return new(In) },
		Handle: func(ctx context.Context, in any) (any, error) {
			out, err := fn(ctx, in.(*In))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// Service is a set of operations served under one target prefix.
type Service struct {
	Target     string     // e.g. AgreementTarget
	Protocols  []Protocol // the protocols served; at most one of AWSJSON10 and AWSJSON11
	Errors     ErrorTable // maps operation errors; nil means AgreementErrors
	Operations []Operation
}

// Agreement returns the Marketplace Agreement service (awsJson1_0 and rpcv2Cbor).
func Agreement(ops ...Operation) Service {
	return Service{Target: AgreementTarget, Protocols: []Protocol{AWSJSON10, RPCv2CBOR},
		Errors: AgreementErrors, Operations: ops}
}

// Metering returns the Marketplace Metering service (awsJson1_1) with its error table.
func Metering(errs ErrorTable, ops ...Operation) Service {
	return Service{Target: MeteringTarget, Protocols: []Protocol{AWSJSON11}, Errors: errs, Operations: ops}
}

// Entitlement returns the Marketplace Entitlement service (awsJson1_1, and rpcv2Cbor, which
// the newest SDKs send) with its error table.
func Entitlement(errs ErrorTable, ops ...Operation) Service {
	return Service{Target: EntitlementTarget, Protocols: []Protocol{AWSJSON11, RPCv2CBOR}, Errors: errs, Operations: ops}
}

// Config configures a Handler.
type Config struct {
	// BasePath is a path prefix such as "/aws"; empty means the root.
	BasePath string
	// Auth identifies callers, typically a *Verifier. Required.
	Auth Authenticator
	// MaxBodyBytes limits request bodies; DefaultMaxBodyBytes if zero.
	MaxBodyBytes int64
	// Budget bounds the bytes that bodies hold until their caller is authenticated, across
	// connections; a budget of DefaultBodyBudget if nil. Share one among the handlers of a
	// server.
	Budget *BodyBudget
	// Logger receives server faults and one line per request (see RequestLog); slog.Default()
	// if nil.
	Logger *slog.Logger
	// Observe, if set, is called once per request when its answer is written, e.g. to count
	// requests in metrics. It runs on the request's goroutine: keep it short.
	Observe func(RequestLog)
}

// Handler serves the AWS Marketplace wire protocols:
//
//   - awsJson1_0/1_1: POST {BasePath}/ with X-Amz-Target: <Target>.<Operation>;
//   - rpcv2Cbor: POST {BasePath}/service/<Target>/operation/<Operation> with
//     Smithy-Protocol: rpc-v2-cbor.
//
// It refuses what its headers alone condemn (a declared length over the limit: 413; a missing
// or malformed signature: 403) before reading the body, reads the body once within the body
// budget (503 ThrottlingException when the budget has no room), authenticates the caller,
// decodes the input, validates it, runs the operation and encodes the output or the error in
// the protocol of the request. Every response carries x-amzn-RequestId. Mount it at
// BasePath+"/" on a ServeMux.
type Handler struct {
	base     string
	auth     Authenticator
	maxBody  int64
	budget   *BodyBudget
	log      *slog.Logger
	observe  func(RequestLog)
	floods   floodGates
	services map[string]*targetRoutes
}

type targetRoutes struct {
	target string
	json   Protocol // 0 if JSON is not served
	cbor   bool
	errors ErrorTable
	ops    map[string]*Operation
}

// NewHandler returns a Handler serving services.
func NewHandler(cfg Config, services ...Service) (*Handler, error) {
	if cfg.Auth == nil {
		return nil, errors.New("awsapi: Config.Auth is required")
	}
	base := strings.TrimSuffix(cfg.BasePath, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		return nil, fmt.Errorf("awsapi: BasePath %q must start with /", cfg.BasePath)
	}
	h := &Handler{base: base, auth: cfg.Auth, maxBody: cfg.MaxBodyBytes, budget: cfg.Budget, log: cfg.Logger,
		observe: cfg.Observe, floods: newFloodGates(), services: make(map[string]*targetRoutes, len(services))}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.budget == nil {
		h.budget = NewBodyBudget(0)
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	for _, s := range services {
		svc, err := newService(s)
		if err != nil {
			return nil, err
		}
		if _, dup := h.services[s.Target]; dup {
			return nil, fmt.Errorf("awsapi: service %s registered twice", s.Target)
		}
		h.services[s.Target] = svc
	}
	return h, nil
}

func newService(s Service) (*targetRoutes, error) {
	if s.Target == "" || strings.ContainsAny(s.Target, "./") {
		return nil, fmt.Errorf("awsapi: invalid service target %q", s.Target)
	}
	svc := &targetRoutes{target: s.Target, errors: s.Errors, ops: make(map[string]*Operation, len(s.Operations))}
	if svc.errors == nil {
		svc.errors = AgreementErrors
	}
	for _, p := range s.Protocols {
		switch {
		case p == RPCv2CBOR:
			svc.cbor = true
		case p.valid() && svc.json == 0:
			svc.json = p
		default:
			return nil, fmt.Errorf("awsapi: service %s: invalid or duplicate protocol %v", s.Target, p)
		}
	}
	for _, o := range s.Operations {
		op := &o
		if op.Name == "" || op.New == nil || op.Handle == nil || strings.ContainsAny(op.Name, "./") {
			return nil, fmt.Errorf("awsapi: service %s: incomplete operation %q", s.Target, op.Name)
		}
		if op.Action == "" {
			op.Action = ActionPrefix + op.Name
		}
		if _, dup := svc.ops[op.Name]; dup {
			return nil, fmt.Errorf("awsapi: service %s: operation %s registered twice", s.Target, op.Name)
		}
		svc.ops[op.Name] = op
	}
	return svc, nil
}

// call is what the Handler knows about the request being served; it is stored in the
// context under callKey.
type call struct {
	requestID string
	caller    string
	operation string

	// What the answer was, for the request's log line.
	service string // the target of a registered service, else ""
	status  int
	errName string // the exception's name; "" on success
	errMsg  string // the exception's message, logged for refused signatures only
}

type callKey struct{}

// CallerFrom returns the authenticated account ID of the request being served.
func CallerFrom(ctx context.Context) (accountID string, ok bool) {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil || c.caller == "" {
		return "", false
	}
	return c.caller, true
}

// RequestIDFrom returns the request ID sent back as x-amzn-RequestId, or "".
func RequestIDFrom(ctx context.Context) string {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return ""
	}
	return c.requestID
}

// OperationFrom returns the name of the operation being served, or "".
func OperationFrom(ctx context.Context) string {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return ""
	}
	return c.operation
}

// WithCall returns ctx carrying a caller and operation name as the Handler sets them, so
// that operations can be called directly, e.g. in unit tests.
func WithCall(ctx context.Context, accountID, operation string) context.Context {
	c := &call{caller: accountID, operation: operation}
	if old, _ := ctx.Value(callKey{}).(*call); old != nil {
		c.requestID = old.requestID
	}
	return context.WithValue(ctx, callKey{}, c)
}

// route is the outcome of routing a request: the protocol to answer in always, and the
// service and operation name when the request names them.
type route struct {
	proto Protocol
	svc   *targetRoutes
	op    string
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &call{requestID: newRequestID()}
	w.Header()["X-Amzn-Requestid"] = []string{c.requestID} // canonical form of x-amzn-RequestId
	h.serve(w, r, c)
	h.logRequest(r, c, time.Since(start))
}

// serve answers r, recording in c what the answer was.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, c *call) {
	rt, ex := h.route(r)
	if rt.svc != nil {
		c.service = rt.svc.target
	}
	if r.Method != http.MethodPost && (ex == nil || ex.Status != http.StatusNotFound) {
		w.Header().Set("Allow", http.MethodPost)
		ex = methodNotAllowed()
	}
	if ex != nil {
		h.writeException(w, rt.proto, ex, c)
		return
	}
	caller, body, err := h.authenticate(r)
	if err != nil {
		h.fail(r.Context(), w, rt, c, err)
		return
	}
	c.caller = caller
	op := rt.svc.ops[rt.op]
	if op == nil {
		h.writeException(w, rt.proto, unknownOperation("Unknown operation "+rt.svc.target+"."+rt.op), c)
		return
	}
	c.operation = op.Name
	ctx := context.WithValue(r.Context(), callKey{}, c)
	resp, err := invoke(ctx, rt.proto, op, body, h.authorizer(r, op, caller))
	if err != nil {
		h.fail(ctx, w, rt, c, err)
		return
	}
	c.status = http.StatusOK
	writeBody(w, rt.proto, http.StatusOK, resp)
}

// invoke decodes the input, checks the caller's permission for it, validates it, runs the
// operation and encodes its output. A panic becomes an error (a server fault).
func invoke(ctx context.Context, proto Protocol, op *Operation, body []byte, authorize func(in any) error) (resp []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in %s: %v\n%s", op.Name, p, debug.Stack())
		}
	}()
	in := op.New()
	if err := proto.Unmarshal(body, in); err != nil {
		if long := longListError(err); long != nil {
			return nil, long
		}
		return nil, serializationException(decodeErrorMessage(err))
	}
	if err := authorize(in); err != nil {
		return nil, err
	}
	if v, ok := in.(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	out, err := op.Handle(ctx, in)
	if err != nil {
		return nil, err
	}
	if resp, err = proto.Marshal(out); err != nil {
		return nil, fmt.Errorf("encode %s output: %w", op.Name, err)
	}
	return resp, nil
}

// route finds the protocol, service and operation of r. On failure it returns the
// protocol to answer in and the exception to send.
func (h *Handler) route(r *http.Request) (route, *Exception) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.base)
	switch {
	case !ok:
	case rest == "" || rest == "/":
		return h.routeJSON(r)
	case strings.HasPrefix(rest, "/service/"):
		return h.routeCBOR(r, rest)
	}
	return route{proto: AWSJSON10}, NewException(http.StatusNotFound, "UnknownOperationException",
		"No AWS API is served at "+r.URL.Path)
}

func (h *Handler) routeJSON(r *http.Request) (route, *Exception) {
	rt := route{proto: AWSJSON10}
	if strings.HasPrefix(r.Header.Get("Content-Type"), AWSJSON11.ContentType()) {
		rt.proto = AWSJSON11
	}
	target := r.Header.Get("X-Amz-Target")
	prefix, op, ok := strings.Cut(target, ".")
	if !ok || op == "" {
		return rt, unknownOperation("Missing or malformed X-Amz-Target header")
	}
	svc := h.services[prefix]
	if svc == nil || svc.json == 0 {
		return rt, unknownOperation("Unknown operation " + target)
	}
	rt.proto, rt.svc, rt.op = svc.json, svc, op
	return rt, nil
}

func (h *Handler) routeCBOR(r *http.Request, rest string) (route, *Exception) {
	rt := route{proto: RPCv2CBOR}
	// rest is /service/<target>/operation/<op>
	parts := strings.Split(rest, "/")
	if len(parts) != 5 || parts[3] != "operation" || parts[4] == "" {
		return rt, unknownOperation("Path must be /service/<service>/operation/<operation>")
	}
	if r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		return rt, unknownOperation("Requests to /service/... must carry Smithy-Protocol: rpc-v2-cbor")
	}
	svc := h.services[parts[2]]
	if svc == nil || !svc.cbor {
		return rt, unknownOperation("Unknown operation " + parts[2] + "." + parts[4])
	}
	rt.svc, rt.op = svc, parts[4]
	return rt, nil
}

// HeaderChecker is implemented by Authenticators that can refuse a request from its headers
// alone. The Handler calls CheckHeaders before it reads the body, so that a request that can
// never authenticate (no or a malformed signature, a stale date) costs no memory for its body.
// Errors are as Authenticate's.
type HeaderChecker interface {
	CheckHeaders(r *http.Request) error
}

// authenticate reads the body of r and identifies its caller. What is checkable without the
// body is checked first; while the body is read and its signature checked, its bytes hold
// room in the handler's budget.
func (h *Handler) authenticate(r *http.Request) (caller string, body []byte, err error) {
	if r.ContentLength > h.maxBody {
		return "", nil, bodyTooLarge(h.maxBody)
	}
	if hc, ok := h.auth.(HeaderChecker); ok {
		if err := hc.CheckHeaders(r); err != nil {
			return "", nil, err
		}
	}
	if n := reservation(r, h.maxBody); n > 0 {
		release, ok := h.budget.Reserve(r.Context(), n)
		if !ok {
			return "", nil, busyReadingBodies()
		}
		defer release()
	}
	body, ex := h.readBody(r)
	if ex != nil {
		return "", nil, ex
	}
	caller, err = h.auth.Authenticate(r, body)
	return caller, body, err
}

// readBody reads the whole body once, up to the limit, into a buffer that grows as the bytes
// arrive: a declared length is a claim, not something to allocate for.
func (h *Handler) readBody(r *http.Request) ([]byte, *Exception) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := readAtMost(r.Body, h.maxBody, r.ContentLength)
	if err != nil {
		return nil, serializationException("Could not read the request body")
	}
	if int64(len(body)) > h.maxBody {
		return nil, bodyTooLarge(h.maxBody)
	}
	return body, nil
}

// fail answers with the exception for err, logging server faults.
func (h *Handler) fail(ctx context.Context, w http.ResponseWriter, rt route, c *call, err error) {
	table := AgreementErrors
	if rt.svc != nil {
		table = rt.svc.errors
	}
	ex := table.Exception(err)
	// Throttling is the server protecting itself, not a fault: under a flood it would fill the log.
	if ex.Status >= 500 && ex.Name != "ThrottlingException" {
		h.log.ErrorContext(ctx, "awsapi: server fault", "requestId", c.requestID,
			"operation", c.operation, "caller", c.caller, "err", err)
	}
	h.writeException(w, rt.proto, ex, c)
}

// writeException answers with ex, recording it in c.
func (h *Handler) writeException(w http.ResponseWriter, proto Protocol, ex *Exception, c *call) {
	body, err := proto.MarshalError(ex, c.requestID)
	if err != nil {
		h.log.Error("awsapi: encode exception", "requestId", c.requestID, "err", err)
		ex = AgreementErrors.internal()
		body, _ = proto.MarshalError(ex, c.requestID)
	}
	if proto != RPCv2CBOR {
		w.Header()["X-Amzn-Errortype"] = []string{ex.Name} // canonical form of X-Amzn-ErrorType
	}
	status := ex.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	c.status, c.errName, c.errMsg = status, ex.Name, ex.Message
	writeBody(w, proto, status, body)
}

func writeBody(w http.ResponseWriter, proto Protocol, status int, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = []string{proto.ContentType()}
	if proto == RPCv2CBOR {
		hdr["Smithy-Protocol"] = []string{"rpc-v2-cbor"}
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

// newRequestID returns a random UUID (version 4).
func newRequestID() string {
	var u [16]byte
	rand.Read(u[:]) //nolint:errcheck // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
