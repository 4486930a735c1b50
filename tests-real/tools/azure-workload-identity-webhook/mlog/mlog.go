// Package mlog stands in for monis.app/mlog v0.0.4 (see go.mod): JSON lines on stderr through
// logr's funcr, klog routed through the same logger, and mlog's levels as klog verbosities
// (warning 0, info 2, debug 4, trace 6, all 108), so `--log-level=trace` shows what the webhook's
// libraries log at V(5) (controller-runtime: each admission request received and answered).
package mlog

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/klog/v2"
)

type LogLevel string

const (
	LevelWarning LogLevel = ""
	LevelInfo    LogLevel = "info"
	LevelDebug   LogLevel = "debug"
	LevelTrace   LogLevel = "trace"
	LevelAll     LogLevel = "all"
)

type LogFormat string

const (
	FormatJSON LogFormat = "json"
	FormatText LogFormat = "text"
	FormatCLI  LogFormat = "cli"
)

type LogSpec struct {
	Level  LogLevel  `json:"level,omitempty"`
	Format LogFormat `json:"format,omitempty"`
}

var verbosity = map[LogLevel]int{LevelWarning: 0, LevelInfo: 2, LevelDebug: 4, LevelTrace: 6, LevelAll: 108}

var current atomic.Int64

var sink = funcr.NewJSON(func(obj string) { fmt.Fprintln(os.Stderr, obj) }, funcr.Options{
	LogTimestamp: true,
	Verbosity:    108,
}).GetSink()

func root() logr.Logger {
	return logr.New(&levelSink{LogSink: sink})
}

// levelSink applies the level set by ValidateAndSetLogLevelAndFormatGlobally.
type levelSink struct{ logr.LogSink }

func (s *levelSink) Enabled(level int) bool { return int64(level) <= current.Load() }
func (s *levelSink) WithValues(kv ...any) logr.LogSink {
	return &levelSink{LogSink: s.LogSink.WithValues(kv...)}
}
func (s *levelSink) WithName(name string) logr.LogSink {
	return &levelSink{LogSink: s.LogSink.WithName(name)}
}

func ValidateAndSetLogLevelAndFormatGlobally(_ context.Context, spec LogSpec) error {
	v, ok := verbosity[spec.Level]
	if !ok {
		return fmt.Errorf("invalid log level %q: one of \"\", info, debug, trace, all", spec.Level)
	}
	switch spec.Format {
	case "", FormatJSON, FormatText, FormatCLI:
	default:
		return fmt.Errorf("invalid log format %q", spec.Format)
	}
	current.Store(int64(v))
	klog.SetLogger(root())
	return nil
}

// Setup returns the flush to defer in main.
func Setup() func() { return klog.Flush }

func Enabled(level LogLevel) bool { return int64(verbosity[level]) <= current.Load() }

// Logr is the process-wide logger (controller-runtime's).
func Logr() logr.Logger { return root() }

type Logger interface {
	Error(msg string, err error, keysAndValues ...any)
	Warning(msg string, keysAndValues ...any)
	Info(msg string, keysAndValues ...any)
	Debug(msg string, keysAndValues ...any)
	Trace(msg string, keysAndValues ...any)
	All(msg string, keysAndValues ...any)
	Always(msg string, keysAndValues ...any)
	WithValues(keysAndValues ...any) Logger
	WithName(name string) Logger
}

type logger struct{ names, values []any }

func New() Logger { return logger{} }

func (l logger) logr() logr.Logger {
	r := root()
	for _, n := range l.names {
		r = r.WithName(n.(string))
	}
	return r.WithValues(l.values...)
}

func (l logger) Error(msg string, err error, kv ...any) { l.logr().Error(err, msg, kv...) }
func (l logger) Warning(msg string, kv ...any) {
	l.logr().V(0).Info(msg, append([]any{"warning", true}, kv...)...)
}
func (l logger) Info(msg string, kv ...any)   { l.logr().V(2).Info(msg, kv...) }
func (l logger) Debug(msg string, kv ...any)  { l.logr().V(4).Info(msg, kv...) }
func (l logger) Trace(msg string, kv ...any)  { l.logr().V(6).Info(msg, kv...) }
func (l logger) All(msg string, kv ...any)    { l.logr().V(108).Info(msg, kv...) }
func (l logger) Always(msg string, kv ...any) { root().Info(msg, kv...) }
func (l logger) WithValues(kv ...any) Logger {
	return logger{names: l.names, values: append(append([]any{}, l.values...), kv...)}
}
func (l logger) WithName(name string) Logger {
	return logger{names: append(append([]any{}, l.names...), name), values: l.values}
}

// Fatal logs the error and exits 1.
func Fatal(err error, kv ...any) {
	root().Error(err, "fatal", kv...)
	klog.Flush()
	os.Exit(1)
}

// Package-level helpers (the azwi CLI's, not the webhook's).
func Info(msg string, kv ...any)             { New().Info(msg, kv...) }
func Debug(msg string, kv ...any)            { New().Debug(msg, kv...) }
func Warning(msg string, kv ...any)          { New().Warning(msg, kv...) }
func Error(msg string, err error, kv ...any) { New().Error(msg, err, kv...) }
func WithValues(kv ...any) Logger            { return New().WithValues(kv...) }
func WithName(name string) Logger            { return New().WithName(name) }
