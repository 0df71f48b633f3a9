package store

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Metrics records the latency of every database command.
type Metrics struct {
	commands *prometheus.HistogramVec
}

// NewMetrics registers the store's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mitwirken_store_command_duration_seconds",
		Help:    "Latency of database commands by command name and outcome.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
	}, []string{"command", "outcome"})}
	reg.MustRegister(m.commands)
	return m
}

func commandMonitor(m *Metrics, onCommand func(command, collection string)) *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if onCommand != nil {
				coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
				onCommand(e.CommandName, coll)
			}
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			if m != nil {
				m.commands.WithLabelValues(e.CommandName, "ok").Observe(e.Duration.Seconds())
			}
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			if m != nil {
				m.commands.WithLabelValues(e.CommandName, "error").Observe(e.Duration.Seconds())
			}
		},
	}
}
