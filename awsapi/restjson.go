package awsapi

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"

	"mercato"
)

// RestOperation is one operation of a restJson1 service, routed by method and path as the
// model's http trait says. Build it with RestOp.
type RestOperation struct {
	Name   string // e.g. "DescribeEntity"
	Method string // e.g. http.MethodGet
	Path   string // e.g. "/DescribeEntity"
	New    func() any
	Handle func(ctx context.Context, in any) (any, error)
}

// RestOp returns the restJson1 operation name at method and path, served by fn. In's members
// come from the JSON body by their json tags, and from the query string by their query tags
// (`query:"entityId"`, string fields only); a nil *Out is {}.
func RestOp[In, Out any](name, method, path string, fn func(context.Context, *In) (*Out, error)) RestOperation {
	op := Op(name, fn)
	return RestOperation{Name: name, Method: method, Path: path, New: op.New, Handle: op.Handle}
}

// RestService is a restJson1 service: its operations, its error table and how its error
// bodies name the message (the Catalog writes "Message", newer services "message").
type RestService struct {
	Name       string // e.g. "Marketplace Catalog"
	Errors     ErrorTable
	Operations []RestOperation
	// CapitalMessage writes error bodies as {"Message": ...} with no other member, as the
	// Catalog's exceptions have; otherwise {"message": ..., "reason": ...}.
	CapitalMessage bool
	// Resources returns the ARNs of the resources a call's input names, each of which the
	// caller's policy must allow (see permissions_catalog.go); nil, or none: "*".
	Resources func(ctx context.Context, caller string, in any) []string
}

// RestHandler serves restJson1 services: each operation at its method and path under the
// base path, signed with SigV4 as the RPC protocols are, with the same body limits. Errors are
// JSON bodies with the X-Amzn-ErrorType header, which restJson1 clients read first.
type RestHandler struct {
	rpc    *Handler // authentication, body limits and logging are the RPC handler's
	routes map[string]*restRoute
}

type restRoute struct {
	svc *RestService
	op  *RestOperation
}

// NewRestHandler returns a handler serving the services.
func NewRestHandler(cfg Config, services ...RestService) (*RestHandler, error) {
	rpc, err := NewHandler(cfg)
	if err != nil {
		return nil, err
	}
	h := &RestHandler{rpc: rpc, routes: map[string]*restRoute{}}
	for i := range services {
		svc := &services[i]
		if svc.Errors == nil {
			return nil, fmt.Errorf("awsapi: service %s has no error table", svc.Name)
		}
		for j := range svc.Operations {
			op := &svc.Operations[j]
			key := op.Method + " " + rpc.base + op.Path
			if _, dup := h.routes[key]; dup || op.New == nil || op.Handle == nil {
				return nil, fmt.Errorf("awsapi: route %s registered twice or incomplete", key)
			}
			h.routes[key] = &restRoute{svc: svc, op: op}
		}
	}
	return h, nil
}

// Patterns returns the ServeMux patterns of every route ("GET /DescribeEntity"), for mounting.
func (h *RestHandler) Patterns() []string {
	out := make([]string, 0, len(h.routes))
	for k := range h.routes {
		out = append(out, k)
	}
	return out
}

// ServeHTTP implements http.Handler.
func (h *RestHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{requestID: newRequestID()}
	w.Header()["X-Amzn-Requestid"] = []string{c.requestID}
	rt := h.routes[r.Method+" "+r.URL.Path]
	if rt == nil {
		writeRestError(w, &RestService{}, NewException(http.StatusNotFound, "UnknownOperationException",
			"No operation is served at "+r.Method+" "+r.URL.Path))
		return
	}
	caller, body, err := h.rpc.authenticate(r)
	if err != nil {
		h.fail(r.Context(), w, rt, c, err)
		return
	}
	c.caller, c.operation = caller, rt.op.Name
	ctx := context.WithValue(r.Context(), callKey{}, c)
	resp, err := invokeRest(ctx, rt.op, r, body, h.authorizer(r, rt, caller))
	if err != nil {
		h.fail(ctx, w, rt, c, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// invokeRest binds the input from the body and the query string, checks the caller's
// permission for it, validates it, runs the operation and encodes its output. A panic becomes
// a server fault.
func invokeRest(ctx context.Context, op *RestOperation, r *http.Request, body []byte, authorize func(in any) error) (resp []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in %s: %v\n%s", op.Name, p, debug.Stack())
		}
	}()
	in := op.New()
	if err := unmarshalJSON(body, in); err != nil {
		if long := longListError(err); long != nil {
			return nil, long
		}
		return nil, NewException(http.StatusBadRequest, "SerializationException", decodeErrorMessage(err))
	}
	bindQuery(in, r)
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
	return AWSJSON11.Marshal(out)
}

// bindQuery sets the string fields of *in tagged `query:"name"` from the query string.
func bindQuery(in any, r *http.Request) {
	v := reflect.ValueOf(in).Elem()
	if v.Kind() != reflect.Struct || r.URL.RawQuery == "" {
		return
	}
	q := r.URL.Query()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Tag.Get("query")
		if name != "" && v.Field(i).Kind() == reflect.String && q.Has(name) {
			v.Field(i).SetString(q.Get(name))
		}
	}
}

// fail answers with the exception for err, logging server faults.
func (h *RestHandler) fail(ctx context.Context, w http.ResponseWriter, rt *restRoute, c *call, err error) {
	ex := rt.svc.Errors.Exception(err)
	if ex.Status >= 500 && ex.Name != "ThrottlingException" {
		h.rpc.log.ErrorContext(ctx, "awsapi: server fault", "requestId", c.requestID,
			"operation", c.operation, "caller", c.caller, "err", err)
	}
	writeRestError(w, rt.svc, ex)
}

// writeRestError writes an exception as restJson1 does: the name in X-Amzn-ErrorType and a
// JSON body with the message (and, for newer services, the reason).
func writeRestError(w http.ResponseWriter, svc *RestService, ex *Exception) {
	body := map[string]any{}
	if svc.CapitalMessage {
		body["Message"] = ex.Message
	} else {
		body["message"] = ex.Message
		if reason, ok := ex.Members["reason"]; ok && ex.Name == "ValidationException" {
			body["reason"] = restReason(reason)
		}
	}
	b, _ := AWSJSON11.Marshal(body)
	w.Header()["X-Amzn-Errortype"] = []string{ex.Name}
	status := ex.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, b)
}

// restReason keeps a validation reason of the Discovery API's set; others become OTHER.
func restReason(reason any) string {
	s, _ := reason.(string)
	switch s {
	case "INVALID_NEXT_TOKEN", "INVALID_PARAMETER", "UNSUPPORTED_FILTERS":
		return s
	}
	return "OTHER"
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = []string{"application/json"}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

// CatalogErrors is the error table of the Catalog API (restJson1): its exceptions carry only a
// Message, and a conflict is a resource in use (423).
var CatalogErrors = ErrorTable{
	mercato.EInvalid:      {"ValidationException", 422},
	mercato.EForbidden:    {"AccessDeniedException", http.StatusForbidden},
	mercato.EUnauthorized: {"UnrecognizedClientException", http.StatusForbidden},
	mercato.ENotFound:     {"ResourceNotFoundException", http.StatusNotFound},
	mercato.EConflict:     {"ResourceInUseException", http.StatusLocked},
	mercato.EQuota:        {"ServiceQuotaExceededException", http.StatusPaymentRequired},
	mercato.EThrottled:    {"ThrottlingException", http.StatusTooManyRequests},
	mercato.EInternal:     {"InternalServiceException", http.StatusInternalServerError},
}

// DiscoveryErrors is the error table of the Discovery API (restJson1, 2026-02-05).
var DiscoveryErrors = ErrorTable{
	mercato.EInvalid:      {"ValidationException", http.StatusBadRequest},
	mercato.EForbidden:    {"AccessDeniedException", http.StatusForbidden},
	mercato.EUnauthorized: {"UnrecognizedClientException", http.StatusForbidden},
	mercato.ENotFound:     {"ResourceNotFoundException", http.StatusNotFound},
	mercato.EConflict:     {"ValidationException", http.StatusBadRequest},
	mercato.EThrottled:    {"ThrottlingException", http.StatusTooManyRequests},
	mercato.EInternal:     {"InternalServerException", http.StatusInternalServerError},
}
