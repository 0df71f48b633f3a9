package notify

import "log/slog"

// Stores are the stores the notification service and jobs read and write.
type Stores struct {
	Outbox      Outbox
	Feed        FeedStore
	Preferences PreferenceStore
	Watermarks  Watermarks
	Users       Recipients
	Signups     Signups
	Shifts      Shifts
	Events      EventLog
	Upcoming    UpcomingShifts
	Staff       Staff
	// Meetings lists who attends self-help group meetings; nil leaves their reminders out.
	Meetings GroupMeetings
	// Expirations lists training completions and credentials that end soon; nil leaves their
	// reminders out.
	Expirations Expirations
}

// Jobs are the notification service and its periodic jobs.
type Jobs struct {
	Service   *Service
	Delivery  *Delivery
	Reminders *Reminders
	Notices   *Notices
	Digest    *Digest
	// MeetingReminders is nil without Stores.Meetings.
	MeetingReminders *MeetingReminders
	// ExpiryReminders is nil without Stores.Expirations.
	ExpiryReminders *ExpiryReminders
}

// NewJobs wires the service and jobs with default settings. sender nil disables e-mail;
// owner names this process in delivery records.
func NewJobs(st Stores, sender Sender, owner string, log *slog.Logger) Jobs {
	svc := NewService(st.Outbox, st.Preferences, st.Users, st.Feed, log)
	j := Jobs{
		Service:   svc,
		Delivery:  NewDelivery(st.Outbox, st.Users, st.Preferences, sender, DeliveryConfig{Owner: owner}, log),
		Reminders: NewReminders(svc, st.Signups, st.Shifts, nil),
		Notices:   NewNotices(svc, st.Events, st.Watermarks, st.Signups, st.Shifts),
	}
	if st.Upcoming != nil && st.Staff != nil {
		j.Digest = NewDigest(svc, st.Upcoming, st.Shifts, st.Signups, st.Staff)
	}
	if st.Meetings != nil {
		j.MeetingReminders = NewMeetingReminders(svc, st.Meetings)
	}
	if st.Expirations != nil {
		j.ExpiryReminders = NewExpiryReminders(svc, st.Expirations)
	}
	return j
}
