package group

import "context"

// Notifier tells members that a meeting is off or moved, or that they moved up from its
// waitlist (notify.Service). For a sensitive group it must name neither the group nor the
// reason: a lock screen shows a notice's title and the beginning of its text.
type Notifier interface {
	MeetingCancelled(ctx context.Context, g Group, m Meeting, userIDs []string) error
	MeetingMoved(ctx context.Context, g Group, m Meeting, userIDs []string) error
	MeetingPromoted(ctx context.Context, g Group, m Meeting, userID string) error
}

// SetNotifier lets the service tell members about cancelled meetings; without one it does not.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// noticeCancelled tells the members who said they would come (or wait) that the meeting is
// off. A failure is logged: the cancellation stands.
func (s *Service) noticeCancelled(ctx context.Context, m Meeting) {
	if s.notifier != nil {
		s.noticeAnswered(ctx, m, "cancellation", s.notifier.MeetingCancelled)
	}
}

// noticeMoved tells the members who said they would come (or wait) the meeting's new time.
func (s *Service) noticeMoved(ctx context.Context, m Meeting) {
	if s.notifier != nil {
		s.noticeAnswered(ctx, m, "move", s.notifier.MeetingMoved)
	}
}

// noticeAnswered sends a notice to the members who answered the meeting's RSVP. A failure is
// logged: the change it tells of stands.
func (s *Service) noticeAnswered(ctx context.Context, m Meeting, what string,
	send func(ctx context.Context, g Group, m Meeting, userIDs []string) error) {
	g, err := s.repo.Group(ctx, m.GroupID)
	if err != nil {
		s.log.ErrorContext(ctx, "group: "+what+" notice", "err", err, "meeting", m.ID)
		return
	}
	rsvps, err := s.repo.RSVPsOf(ctx, m.ID)
	if err != nil {
		s.log.ErrorContext(ctx, "group: "+what+" notice", "err", err, "meeting", m.ID)
		return
	}
	users := make([]string, 0, len(rsvps))
	for _, r := range rsvps {
		users = append(users, r.UserID)
	}
	if err := send(ctx, g, m, users); err != nil {
		s.log.ErrorContext(ctx, "group: "+what+" notice", "err", err, "meeting", m.ID)
	}
}

// noticePromoted tells a member who moved up from the waitlist that they have a place.
func (s *Service) noticePromoted(ctx context.Context, m Meeting, userID string) {
	if s.notifier == nil {
		return
	}
	g, err := s.repo.Group(ctx, m.GroupID)
	if err == nil {
		err = s.notifier.MeetingPromoted(ctx, g, m, userID)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "group: promotion notice", "err", err, "meeting", m.ID)
	}
}
