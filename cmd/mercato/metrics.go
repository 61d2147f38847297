package main

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"mercato"
	"mercato/awsapi"
	"mercato/metrics"
	"mercato/service"
)

// metricsOff is the --metrics-addr value that turns metrics off.
const metricsOff = "off"

// serverMetrics is the server's metrics, or nil when they are off: its methods then do nothing.
type serverMetrics struct {
	m     *metrics.Metrics
	store mercato.Store
}

// newMetrics returns the server's metrics, nil with --metrics-addr off.
func newMetrics(o serveOptions, store mercato.Store) *serverMetrics {
	if o.metricsAddr == metricsOff {
		return nil
	}
	return &serverMetrics{m: metrics.New(), store: store}
}

// serviceOptions makes the metrics the service's observer.
func (sm *serverMetrics) serviceOptions() []service.Option {
	if sm == nil {
		return nil
	}
	return []service.Option{service.WithObserver(sm.m)}
}

// watch exports business time and the store's pools, which are read at each scrape.
func (sm *serverMetrics) watch(svc *service.Service) {
	if sm == nil {
		return
	}
	sm.m.WatchClock(svc.Now, svc.Sandbox())
	sm.m.WatchOutbox(func() (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return svc.DeliveryBacklog(ctx)
	})
	if p, ok := sm.store.(interface{ PoolStats() map[string]sql.DBStats }); ok {
		sm.m.WatchPools(p.PoolStats)
	}
}

// observeRequest returns the AWS handler's observer, nil without metrics.
func (sm *serverMetrics) observeRequest() func(awsapi.RequestLog) {
	if sm == nil {
		return nil
	}
	return sm.m.ObserveRequest
}

// handler serves the metrics; without them, 404.
func (sm *serverMetrics) handler() http.Handler {
	if sm == nil {
		return http.NotFoundHandler()
	}
	return sm.m.Handler()
}

// serveApart serves /metrics on an address of its own (--metrics-addr) until ctx ends, so that
// scrapes need not reach the public port; nothing when addr is empty (the main port serves
// them) or metrics are off.
func (sm *serverMetrics) serveApart(ctx context.Context, addr string, log *slog.Logger) error {
	if sm == nil || addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", sm.handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}
