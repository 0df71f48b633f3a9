package graph_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/schedule"
)

const preferencesQuery = `{ notificationPreferences { inApp email quietHoursStart quietHoursEnd timeZone } }`

const updatePreferencesMutation = `mutation($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) { inApp email quietHoursStart quietHoursEnd timeZone }
}`

type preferencesView struct {
	InApp, Email                   bool
	QuietHoursStart, QuietHoursEnd string
	TimeZone                       string
}

func TestNotificationPreferences(t *testing.T) {
	a := newAPI(t)
	me := a.register(t, "prefs@example.org", "Pia")
	as := a.As(me.AccessToken)

	var got struct{ NotificationPreferences preferencesView }
	as.Do(t, preferencesQuery, nil).OK(t, &got)
	want := preferencesView{InApp: true, Email: true, QuietHoursStart: "21:00", QuietHoursEnd: "08:00", TimeZone: "Europe/Berlin"}
	if got.NotificationPreferences != want {
		t.Fatalf("defaults = %+v, want %+v", got.NotificationPreferences, want)
	}

	var changed struct{ UpdateNotificationPreferences preferencesView }
	as.Do(t, updatePreferencesMutation, map[string]any{"input": map[string]any{
		"email": false, "quietHoursStart": "22:30", "timeZone": "Europe/Zurich"}}).OK(t, &changed)
	want = preferencesView{InApp: true, Email: false, QuietHoursStart: "22:30", QuietHoursEnd: "08:00", TimeZone: "Europe/Zurich"}
	if changed.UpdateNotificationPreferences != want {
		t.Fatalf("after update = %+v, want %+v", changed.UpdateNotificationPreferences, want)
	}

	bad := []struct {
		name  string
		input map[string]any
		field string
	}{
		{"time of day", map[string]any{"quietHoursEnd": "25:00"}, "input.quietHoursEnd"},
		{"not a time", map[string]any{"quietHoursStart": "abends"}, "input.quietHoursStart"},
		{"time zone", map[string]any{"timeZone": "Mars/Olympus", "email": true}, "input.timeZone"},
		{"local zone", map[string]any{"timeZone": "Local"}, "input.timeZone"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			as.Do(t, updatePreferencesMutation, map[string]any{"input": tt.input}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	// Refused changes changed nothing, not even the valid parts of them.
	as.Do(t, preferencesQuery, nil).OK(t, &got)
	if got.NotificationPreferences != want {
		t.Fatalf("after refused updates = %+v, want %+v", got.NotificationPreferences, want)
	}

	// Each user has their own settings.
	other := a.register(t, "other-prefs@example.org", "Olaf")
	a.As(other.AccessToken).Do(t, preferencesQuery, nil).OK(t, &got)
	if !got.NotificationPreferences.Email || got.NotificationPreferences.TimeZone != "Europe/Berlin" {
		t.Fatalf("another user's settings = %+v, want the defaults", got.NotificationPreferences)
	}
	a.Do(t, preferencesQuery, nil).Fails(t, "UNAUTHENTICATED", "")
}

func TestJobRunsAreForPlatformOperatorsOnly(t *testing.T) {
	a := newAPI(t)
	started := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	runs := a.store.JobRuns()
	for i, r := range []schedule.Run{
		{Job: schedule.JobReminders, Owner: "worker-a", StartedAt: started, EndedAt: started.Add(time.Second), Items: 12},
		{Job: schedule.JobDeliver, Owner: "worker-b", StartedAt: started.Add(time.Minute), EndedAt: started.Add(time.Minute + time.Second), Error: "smtp: connection refused"},
	} {
		if err := runs.RecordRun(t.Context(), r); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	const query = `query($job: String, $first: Int) { jobRuns(job: $job, first: $first) { job owner startedAt endedAt items error } }`
	type runView struct {
		Job, Owner         string
		StartedAt, EndedAt time.Time
		Items              int
		Error              *string
	}

	ops := a.register(t, platformAdminEmail, "Betrieb")
	var got struct{ JobRuns []runView }
	a.As(ops.AccessToken).Do(t, query, nil).OK(t, &got)
	if len(got.JobRuns) != 2 || got.JobRuns[0].Job != schedule.JobDeliver || got.JobRuns[0].Error == nil ||
		got.JobRuns[1].Items != 12 || got.JobRuns[1].Error != nil || !got.JobRuns[1].StartedAt.Equal(started) {
		t.Fatalf("jobRuns = %+v, want delivery (failed) then reminders (12 items)", got.JobRuns)
	}
	a.As(ops.AccessToken).Do(t, query, map[string]any{"job": schedule.JobReminders}).OK(t, &got)
	if len(got.JobRuns) != 1 || got.JobRuns[0].Owner != "worker-a" {
		t.Fatalf("jobRuns(job: reminders) = %+v", got.JobRuns)
	}
	a.As(ops.AccessToken).Do(t, query, map[string]any{"first": 0}).Fails(t, "BAD_USER_INPUT", "first")
	a.As(ops.AccessToken).Do(t, query, map[string]any{"first": 10000}).Fails(t, "BAD_USER_INPUT", "first")

	// An organisation's admin is not a platform operator.
	f := newFixture(t, a, nil)
	a.As(f.coordinator.AccessToken).Do(t, query, nil).Fails(t, "FORBIDDEN", "")
	a.Do(t, query, nil).Fails(t, "UNAUTHENTICATED", "")
}
