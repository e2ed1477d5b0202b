package web

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
)

// RequestIDHeader carries the request id in responses (and, behind a
// trusted proxy, in requests).
const RequestIDHeader = "X-Request-Id"

// UnmatchedRoute is the route of a request no route matched: raw paths
// carry tracking and draft tokens, so they never become a label or a log
// attribute.
const UnmatchedRoute = "unmatched"

// RequestInfo is what the outermost handler learns about a request while
// it is served. Observe puts one in the request context; the handlers
// below it fill in Site and Route, so the access log and the metrics name
// the route pattern (/pratiche/:token), never the path.
type RequestInfo struct {
	ID    string
	Site  string // citizen, staff or ops; empty until a handler claims the request
	Route string // route pattern; empty when no route matched
}

type infoKey struct{}

// Info returns the request information of ctx, or nil outside Observe.
func Info(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(infoKey{}).(*RequestInfo)
	return info
}

// WithInfo returns ctx carrying info.
func WithInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// RecordRoute is echo middleware that records the matched route pattern.
// Echo routes before it runs middleware added with Use, so c.Path() is
// already the pattern, or "" when nothing matched.
func RecordRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if info := Info(c.Request().Context()); info != nil {
			info.Route = c.Path()
		}
		return next(c)
	}
}

// Site marks every request h serves as belonging to site, unless a handler
// in front of it already did (so /healthz can count as ops although the
// citizen site answers it).
func Site(site string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := Info(r.Context()); info != nil && info.Site == "" {
			info.Site = site
		}
		h.ServeHTTP(w, r)
	})
}

// Label marks the requests h serves with site and a fixed route, for
// handlers outside echo (readiness, metrics).
func Label(site, route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := Info(r.Context()); info != nil {
			info.Site, info.Route = site, route
		}
		h.ServeHTTP(w, r)
	})
}

// Observed is one served request, as the access log and metrics see it.
type Observed struct {
	Info    *RequestInfo // Route is UnmatchedRoute when no route matched
	Method  string
	Status  int // 0 when the connection was hijacked
	Bytes   int64
	Elapsed time.Duration
}

// ObserveConfig configures Observe.
type ObserveConfig struct {
	// Logger receives one access-log line per request. It is wrapped with
	// NewLogHandler unless it already is, so every line logged with the
	// request's context carries request_id.
	Logger *slog.Logger
	// TrustRequestID accepts a well-formed X-Request-Id from the client,
	// which only a reverse proxy of our own may set.
	TrustRequestID bool
	// QuietSites are logged at debug level instead of info: probes and
	// scrapes every few seconds would drown the access log.
	QuietSites []string
	// Record, when set, is called after every request (metrics).
	Record func(Observed)
}

// Observe wraps next so that every request gets a request id (in the
// context, for logging, and in the X-Request-Id response header), one
// access-log line, and a call to cfg.Record. The log line holds the
// method, site, route pattern, status, duration and size only: no path,
// no query string, no client address, which could identify a citizen.
func Observe(next http.Handler, cfg ObserveConfig) http.Handler {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if _, ok := logger.Handler().(*LogHandler); !ok {
		logger = slog.New(NewLogHandler(logger.Handler()))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &RequestInfo{ID: requestID(r, cfg.TrustRequestID)}
		w.Header().Set(RequestIDHeader, info.ID)
		rec := &recorder{ResponseWriter: w}
		r = r.WithContext(WithInfo(r.Context(), info))
		defer func() {
			p := recover()
			if p != nil && rec.status == 0 && !rec.hijacked {
				// The client gets no answer: count it as the server's failure.
				rec.status = http.StatusInternalServerError
			}
			o := Observed{Info: info, Method: r.Method, Status: rec.statusCode(), Bytes: rec.bytes, Elapsed: time.Since(start)}
			if info.Route == "" {
				info.Route = UnmatchedRoute
			}
			if p != nil && p != http.ErrAbortHandler {
				logPanic(r.Context(), logger, info, p)
			}
			logAccess(r.Context(), logger, cfg.QuietSites, o)
			if cfg.Record != nil {
				cfg.Record(o)
			}
			if p != nil {
				// net/http aborts the connection without logging it again
				// (its own line would carry the client's address and no
				// request id).
				panic(http.ErrAbortHandler)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// logPanic logs a handler's panic with its stack, under the request id.
func logPanic(ctx context.Context, logger *slog.Logger, info *RequestInfo, p any) {
	logger.ErrorContext(ctx, "panic serving a request", "route", info.Route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}

// logAccess writes the access-log line of o.
func logAccess(ctx context.Context, logger *slog.Logger, quiet []string, o Observed) {
	level := slog.LevelInfo
	if slices.Contains(quiet, o.Info.Site) {
		level = slog.LevelDebug
	}
	if !logger.Enabled(ctx, level) {
		return
	}
	// A record without a caller: the source line of the access log says
	// nothing, and finding it costs a stack walk per request.
	rec := slog.NewRecord(time.Now(), level, "request", 0)
	rec.AddAttrs(
		slog.String("method", o.Method),
		slog.String("site", o.Info.Site),
		slog.String("route", o.Info.Route),
		slog.Int("status", o.Status),
		slog.Float64("duration_ms", float64(o.Elapsed.Microseconds())/1000),
		slog.Int64("bytes", o.Bytes))
	_ = logger.Handler().Handle(ctx, rec)
}

// requestID returns the trusted incoming id, or a new random one of 16 hex
// digits. It only has to be unique enough to find a request's lines, not
// secret, so the fast runtime generator is enough.
func requestID(r *http.Request, trust bool) string {
	if trust {
		if id := r.Header.Get(RequestIDHeader); validRequestID(id) {
			return id
		}
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// validRequestID reports whether id matches ^[A-Za-z0-9._-]{1,64}$, so an
// incoming id cannot forge log fields or grow without bound.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// recorder notes the status and size of a response. It implements the
// optional interfaces http.ResponseController looks for, so flushing,
// hijacking and sendfile keep working through it.
type recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

func (w *recorder) WriteHeader(code int) {
	// 1xx answers (103 Early Hints) precede the final status.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the sendfile path of static files.
func (w *recorder) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, src)
	w.bytes += n
	return n, err
}

func (w *recorder) FlushError() error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, rw, err
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusCode is the status the client got: 200 when the handler wrote
// nothing, 0 when it took the connection over.
func (w *recorder) statusCode() int {
	switch {
	case w.hijacked && w.status == 0:
		return 0
	case w.status == 0:
		return http.StatusOK
	}
	return w.status
}

// LogHandler adds the request id of the context to every record, so all
// lines logged while serving a request can be found together.
type LogHandler struct{ inner slog.Handler }

// NewLogHandler wraps h.
func NewLogHandler(h slog.Handler) *LogHandler { return &LogHandler{inner: h} }

func (h *LogHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if info := Info(ctx); info != nil {
		r.AddAttrs(slog.String("request_id", info.ID))
	}
	return h.inner.Handle(ctx, r)
}

func (h *LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &LogHandler{inner: h.inner.WithAttrs(attrs)}
}

func (h *LogHandler) WithGroup(name string) slog.Handler {
	return &LogHandler{inner: h.inner.WithGroup(name)}
}
