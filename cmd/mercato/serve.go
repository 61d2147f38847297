package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"mercato"
	"mercato/awsapi"
	"mercato/console"
	"mercato/control"
	"mercato/scenario"
	"mercato/service"
	"mercato/webhook"
)

type serveOptions struct {
	addr     string
	db       string
	sandbox  bool
	scenario string
	// trustAccountKeys lets a 12-digit access key ID act as that account unverified (sandbox).
	trustAccountKeys bool
	// manualJobs keeps a sandbox's due work pending until the clock moves.
	manualJobs      bool
	tlsCert, tlsKey string   // PEM files: serve HTTPS
	trustedProxies  []string // CIDRs (or addresses) of the reverse proxies in front of the console
	webhookNetworks []string // internal CIDRs (or addresses) event destinations may reach outside the sandbox
	metricsAddr     string   // where /metrics is served: "" on addr, "off" nowhere, else its own address
	exportDir       string   // where every seller's data feeds are exported, every exportEvery; "" for none
	exportEvery     time.Duration
	lease           time.Duration // how long a node's claim on background work lasts unless renewed
}

func serveCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the mercato server",
		Long: `Run the mercato server: the AWS Marketplace compatible APIs and mercato's own endpoints.

With --sandbox, business time is simulated: it resumes where the last run on this database
stopped (a new database starts at the scenario's clock, else now), never moves back (an
earlier scenario clock is ignored) and moves only through POST /_mercato/clock. Work due at
or before the current business time (billing adjustments, due approvals, a scenario's
acceptances) runs on its own within about a second, as in production, without moving the
clock; with --manual-jobs it waits for the next move of the clock (POST /_mercato/clock with
{"advance":"0s"} runs it without moving time), for tests that want to see it pending.`,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", envOr("MERCATO_ADDR", "127.0.0.1:8080"), "listen address (env MERCATO_ADDR)")
	f.StringVar(&o.db, "db", envOr("MERCATO_DB", "sqlite:mercato.db"), "database: sqlite:PATH or postgres://URL (env MERCATO_DB)")
	f.BoolVar(&o.sandbox, "sandbox", false, "simulate business time and enable the /_mercato/ controls")
	f.StringVar(&o.scenario, "scenario", "", "scenario file to apply at start (the server exits if it fails)")
	f.BoolVar(&o.trustAccountKeys, "trust-account-keys", false,
		"with --sandbox: an access key ID of 12 digits acts as that account without signature verification")
	f.BoolVar(&o.manualJobs, "manual-jobs", false,
		"with --sandbox: due work (e.g. billing adjustments) runs only when the clock moves, not on its own")
	f.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs --tls-key")
	f.StringVar(&o.tlsKey, "tls-key", "", "the PEM private key file of --tls-cert")
	f.StringSliceVar(&o.trustedProxies, "trusted-proxy", nil,
		"CIDR or address of a reverse proxy in front of the server (repeatable): its X-Forwarded-Proto and\n"+
			"X-Forwarded-For are believed, from it only, for Secure cookies, sign-in throttling and key policies'\n"+
			"aws:SecureTransport and aws:SourceIp")
	f.StringSliceVar(&o.webhookNetworks, "webhook-allow-network", nil,
		"CIDR or address of an internal network that event destinations may reach (repeatable); outside\n"+
			"the sandbox webhooks go to public addresses only (not loopback, private or link-local ones)")
	f.StringVar(&o.metricsAddr, "metrics-addr", envOr("MERCATO_METRICS_ADDR", ""),
		"serve /metrics on this address instead of --addr, or \"off\" for no metrics (env MERCATO_METRICS_ADDR)")
	f.StringVar(&o.exportDir, "export-dir", envOr("MERCATO_EXPORT_DIR", ""),
		"export every seller's data feeds to DIR/SELLER/ at start and every --export-every (env MERCATO_EXPORT_DIR)")
	f.DurationVar(&o.exportEvery, "export-every", 24*time.Hour, "how often --export-dir is written, in wall time")
	f.DurationVar(&o.lease, "lease", 25*time.Second,
		"how long this node's claim on background work (jobs, event deliveries) lasts unless renewed:\n"+
			"about how long the work of a node that died waits for another")
	return cmd
}

// serverGCPercent is the garbage collector's target when GOGC is not set. The server's live heap
// is small beside a machine's memory, and at Go's default of 100 collection took 15% of the CPU
// under a load of billing adjustments; 400 trades some memory for that CPU (BENCHMARKS.md).
const serverGCPercent = 400

func serve(ctx context.Context, o serveOptions) error {
	if o.trustAccountKeys && !o.sandbox { // before the database is opened or a scenario applied
		return fmt.Errorf("--trust-account-keys needs --sandbox")
	}
	if o.manualJobs && !o.sandbox {
		return fmt.Errorf("--manual-jobs needs --sandbox: in production jobs run as they fall due")
	}
	// Flags are checked before the database is opened; the certificate is read once.
	proxies, err := prefixes("--trusted-proxy", o.trustedProxies)
	if err != nil {
		return err
	}
	allowed, err := prefixes("--webhook-allow-network", o.webhookNetworks)
	if err != nil {
		return err
	}
	destinations := webhook.AddressPolicy{AllowInternal: o.sandbox, Allowed: allowed}
	tlsConf, err := o.tlsConfig()
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	// One JSON object a line, which log collectors read without a parser of their own.
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var sc *mercato.Scenario
	if o.scenario != "" {
		data, err := os.ReadFile(o.scenario)
		if err != nil {
			return err
		}
		parsed, err := scenario.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", o.scenario, err)
		}
		sc = &parsed
	}
	release, err := lockDatabase(o.db)
	if err != nil {
		return err
	}
	defer release()
	store, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer store.Close()
	m := newMetrics(o, store)
	svc, err := newService(ctx, store, o.sandbox, sc, log,
		append(m.serviceOptions(), service.WithJobLease(o.lease), service.WithDestinationPolicy(destinations))...)
	if err != nil {
		return err
	}
	if sc != nil {
		if err := svc.ApplyScenario(ctx, *sc); err != nil {
			return fmt.Errorf("%s: %w", o.scenario, err)
		}
		log.Info("scenario applied", "file", o.scenario, "now", svc.Now())
	}
	m.watch(svc)
	h, err := handler(ctx, svc, o, proxies, log, m)
	if err != nil {
		return err
	}
	if err := m.serveApart(ctx, o.metricsAddr, log); err != nil {
		return err
	}
	if o.exportDir != "" {
		if o.exportEvery <= 0 {
			return fmt.Errorf("--export-every %s: want a positive duration such as 24h", o.exportEvery)
		}
		go exportFeeds(ctx, svc, o.exportDir, o.exportEvery, log)
	}
	return run(ctx, o.addr, tlsConf, h, svc, !o.manualJobs, webhook.NewSender(destinations), log)
}

// newService builds the service on a real clock, or in sandbox mode on a simulated one that
// starts where the last run stopped, else at the scenario's clock, else now.
func newService(ctx context.Context, store mercato.Store, sandbox bool, sc *mercato.Scenario, log *slog.Logger, extra ...service.Option) (*service.Service, error) {
	opts := append(append([]service.Option{service.WithLogger(log)}, storeConcurrency(store)...), extra...)
	kek, err := keyEncryptionKey(sandbox, log)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kek...)
	if !sandbox {
		return service.New(store, mercato.RealClock{}, opts...), nil
	}
	start := time.Now().UTC().Truncate(time.Second)
	if sc != nil && !sc.Clock.IsZero() {
		start = sc.Clock
	}
	svc := service.New(store, mercato.NewSimClock(start), opts...)
	return svc, svc.RestoreClock(ctx)
}

// storeConcurrency tunes how much the service runs at once to the store. Where concurrent
// transactions are committed as groups by one writer (SQLite): many jobs at once, and one
// transaction accepting billing adjustments (a second would only queue behind it). Where
// concurrent transactions conflict and retry (PostgreSQL): a few jobs, and two acceptance
// transactions, one built while the other commits.
func storeConcurrency(store mercato.Store) []service.Option {
	if s, ok := store.(interface{ GroupsCommits() bool }); ok && s.GroupsCommits() {
		return []service.Option{service.WithJobWorkers(64), service.WithAdjustmentIntakes(1)}
	}
	return []service.Option{service.WithJobWorkers(4), service.WithAdjustmentIntakes(2)}
}

// handler routes mercato's own endpoints, the AWS Marketplace APIs and the web console on one mux.
// proxies are the parsed --trusted-proxy networks.
func handler(ctx context.Context, svc *service.Service, o serveOptions, proxies []netip.Prefix, log *slog.Logger, m *serverMetrics) (http.Handler, error) {
	mux := http.NewServeMux()
	controls := http.NewServeMux()
	control.New(svc, log, proxies).Register(controls, "")
	key, err := svc.Secret(ctx)
	if err != nil {
		return nil, err
	}
	pages, err := awsapi.NewPageTokens(key)
	if err != nil {
		return nil, err
	}
	auth := &awsapi.Verifier{Credentials: awsapi.CredentialsFunc(svc.AccessKey), Sandbox: o.trustAccountKeys,
		Permissions: awsapi.PermissionsFunc(svc.Authorize), Proxies: proxies}
	budget := awsapi.NewBodyBudget(bodyBudget)
	aws, err := awsapi.NewHandler(awsapi.Config{Auth: auth, Logger: log, Budget: budget, Observe: m.observeRequest()},
		awsapi.Agreement(awsapi.AgreementOperations(svc, pages)...),
		awsapi.Metering(awsapi.MeteringErrors, awsapi.MeteringOperations(svc)...),
		awsapi.Entitlement(awsapi.EntitlementErrors, awsapi.EntitlementOperations(svc, pages)...))
	if err != nil {
		return nil, err
	}
	mux.Handle("/", aws)
	rest, err := awsapi.NewRestHandler(awsapi.Config{Auth: auth, Logger: log, Budget: budget},
		awsapi.Catalog(svc, pages), awsapi.Discovery(svc, pages))
	if err != nil {
		return nil, err
	}
	for _, p := range rest.Patterns() {
		mux.Handle(p, rest)
	}

	// The web console. The AWS handler takes only POSTs, so GET / can send browsers to it.
	cons, err := console.New(ctx, console.Config{Service: svc, Directory: svc, Logger: log, TrustedProxies: proxies})
	if err != nil {
		return nil, err
	}
	mux.Handle("/console/", budget.Limit(cons, maxConsoleBody))
	mux.Handle("/_mercato/", budget.Limit(controls, maxControlBody))
	mux.Handle("GET /{$}", http.RedirectHandler("/console/", http.StatusFound))
	if o.metricsAddr == "" {
		mux.Handle("GET /metrics", m.handler())
	}
	return mux, nil
}

// run serves until ctx ends, then shuts down gracefully: in-flight requests finish.
// It listens on addr, with TLS when conf is not nil, and runs the scheduler when autoJobs is
// set (always in production; in the sandbox unless --manual-jobs).
func run(ctx context.Context, addr string, conf *tls.Config, h http.Handler, svc *service.Service, autoJobs bool, sender *webhook.Sender, log *slog.Logger) error {
	ln, err := listen(addr, conf)
	if err != nil {
		return err
	}
	srv := newHTTPServer(h)
	jobsStopped := make(chan struct{})
	if autoJobs {
		go func() { svc.RunJobs(ctx, time.Second); close(jobsStopped) }()
	} else {
		close(jobsStopped)
	}
	go svc.RunDeliveries(ctx, sender) // in the sandbox too: retries follow its clock
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("mercato listening", "addr", ln.Addr().String(), "sandbox", svc.Sandbox(), "autoJobs", autoJobs, "now", svc.Now())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-jobsStopped // its transaction ends before the store closes
	log.Info("mercato stopped")
	return nil
}

// Limits of the HTTP server. Until a request is authenticated, what a client holds on the
// server is bounded by these and by the body budget: how many bytes, and for how long.
const (
	// bodyBudget is the bytes that bodies being received may hold at once before their caller
	// is known, across all connections (awsapi.BodyBudget).
	bodyBudget = awsapi.DefaultBodyBudget
	// maxConsoleBody is the largest console request body, the console's own bound on a form:
	// forms are a few KiB.
	maxConsoleBody = 64 << 10
	// maxControlBody is the largest /_mercato/ body: a scenario file (the controls refuse
	// larger ones themselves).
	maxControlBody = 8 << 20

	// readHeaderTimeout bounds sending the request line and headers.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds sending a whole request, body included: a 1 MiB API body or an 8 MiB
	// scenario needs well under this on any real link, and a body sent slowly holds its room
	// in the budget no longer.
	readTimeout = 30 * time.Second
	// writeTimeout bounds a request from its headers to the end of its answer, so that a client
	// that stops reading cannot hold a goroutine and its answer. API and console requests take
	// milliseconds to seconds; moving the sandbox clock (from the controls or the console) or
	// applying a scenario runs every job due on the way, which for years of billing can take
	// minutes, so those are exempt.
	writeTimeout = 2 * time.Minute
	// maxHeaderBytes bounds the request headers: a SigV4 request's are under 2 KiB and a
	// console request's under 8 KiB.
	maxHeaderBytes = 64 << 10
)

// idleTimeout closes a kept-alive connection that sends no request for this long. It is longer
// than the AWS SDK for Go's own idle timeout (90 s), so that a client usually closes first and
// never sends a call on a connection the server is closing; and short enough that idle
// clients hold few connections. A variable so that tests can wait it out.
var idleTimeout = 2 * time.Minute

// newHTTPServer returns the server for h with its timeouts and header limit set.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           untimedWrites(h, "POST /_mercato/clock", "POST /_mercato/scenario", "POST /console/operator/clock"),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// untimedWrites lifts the write deadline of the requests named "METHOD /path": they run as
// long as the work they start, and their client waits for it.
func untimedWrites(h http.Handler, routes ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(routes, r.Method+" "+r.URL.Path) {
			http.NewResponseController(w).SetWriteDeadline(time.Time{}) //nolint:errcheck // not every writer has deadlines
		}
		h.ServeHTTP(w, r)
	})
}

// listen opens the listening socket on addr: TLS with conf, plain TCP when conf is nil (no
// --tls-cert).
func listen(addr string, conf *tls.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil || conf == nil {
		return ln, err
	}
	return tls.NewListener(ln, conf), nil
}

// tlsConfig loads --tls-cert and --tls-key; nil without them. The server speaks HTTP/1.1 over
// TLS 1.2 or later.
func (o serveOptions) tlsConfig() (*tls.Config, error) {
	if o.tlsCert == "" && o.tlsKey == "" {
		return nil, nil
	}
	if o.tlsCert == "" || o.tlsKey == "" {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s, --tls-key %s: %w", o.tlsCert, o.tlsKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"}}, nil
}

// prefixes parses the values of a flag of networks: each a CIDR, or an address standing for
// itself alone.
func prefixes(flag string, values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range values {
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return nil, fmt.Errorf("%s %q: want a CIDR such as 10.0.0.0/8 or an address", flag, p)
			}
			pre = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, pre.Masked())
	}
	return out, nil
}
