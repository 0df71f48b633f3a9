package main

import (
	"time"

	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/privacy"
)

// retentionOf turns the configured periods into the privacy service's retention. A month
// counts as 30 days, which errs towards deleting early.
func retentionOf(cfg config.Config) privacy.Retention {
	day := 24 * time.Hour
	return privacy.Retention{
		InactiveAccount: time.Duration(cfg.RetentionInactiveMonths) * 30 * day,
		Warning:         time.Duration(cfg.RetentionWarningDays) * day,
		Notifications:   time.Duration(cfg.RetentionNotificationDays) * day,
		AuditLog:        time.Duration(cfg.RetentionAuditMonths) * 30 * day,
	}
}
