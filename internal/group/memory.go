package group

import (
	"context"
	"errors"
	"sync"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Loader lists everything, for keeping it in memory.
type Loader interface {
	AllMemberships(ctx context.Context) ([]Membership, error)
	AllMeetings(ctx context.Context) ([]Meeting, error)
	AllCurrentRSVPs(ctx context.Context) ([]RSVP, error)
}

// memoryRepo keeps every group, membership, series, meeting and current RSVP in memory in
// front of the store, for a process that is the only writer: on the embedded store every
// filter scans its collection, and a group page asks for members, meetings and RSVPs. Reads
// never reach the store; writes go to the store first and then to memory.
type memoryRepo struct {
	Repo

	mu            sync.RWMutex
	groups        map[string]Group
	memberships   map[string]Membership
	ofGroup       map[string][]string
	ofUser        map[string][]string
	series        map[string]Series
	meetings      map[string]Meeting
	meetingKeys   map[string]bool
	meetingsOf    map[string][]string
	rsvps         map[string]RSVP
	rsvpsOf       map[string][]string
	rsvpsOfMember map[string][]string
}

func loadMemory(ctx context.Context, store Repo) (*memoryRepo, error) {
	if m, ok := store.(*memoryRepo); ok {
		return m, nil
	}
	all, ok := store.(Loader)
	if !ok {
		return nil, errors.New("group: the store cannot list everything")
	}
	m := &memoryRepo{Repo: store, groups: map[string]Group{}, memberships: map[string]Membership{}, ofGroup: map[string][]string{},
		ofUser: map[string][]string{}, series: map[string]Series{}, meetings: map[string]Meeting{}, meetingKeys: map[string]bool{},
		meetingsOf: map[string][]string{}, rsvps: map[string]RSVP{}, rsvpsOf: map[string][]string{}, rsvpsOfMember: map[string][]string{}}
	groups, err := store.Groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		m.groups[g.ID] = g
	}
	members, err := all.AllMemberships(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range members {
		m.putMembership(x)
	}
	series, err := store.SeriesOf(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, x := range series {
		m.series[x.ID] = x
	}
	meetings, err := all.AllMeetings(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range meetings {
		m.putMeeting(x)
	}
	rsvps, err := all.AllCurrentRSVPs(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range rsvps {
		m.putRSVP(x)
	}
	return m, nil
}

func (m *memoryRepo) putMembership(x Membership) {
	if _, known := m.memberships[x.ID]; !known {
		m.ofGroup[x.GroupID] = append(m.ofGroup[x.GroupID], x.ID)
		m.ofUser[x.UserID] = append(m.ofUser[x.UserID], x.ID)
	}
	m.memberships[x.ID] = x
}

func (m *memoryRepo) putMeeting(x Meeting) {
	if _, known := m.meetings[x.ID]; !known {
		m.meetingsOf[x.GroupID] = append(m.meetingsOf[x.GroupID], x.ID)
		m.meetingKeys[Key(x.SeriesID, x.Original)] = true
	}
	m.meetings[x.ID] = x
}

func (m *memoryRepo) putRSVP(x RSVP) {
	if _, known := m.rsvps[x.ID]; !known {
		m.rsvpsOf[x.MeetingID] = append(m.rsvpsOf[x.MeetingID], x.ID)
		m.rsvpsOfMember[x.MembershipID] = append(m.rsvpsOfMember[x.MembershipID], x.ID)
	}
	m.rsvps[x.ID] = x
}

func (m *memoryRepo) InsertGroup(ctx context.Context, g Group) error {
	if err := m.Repo.InsertGroup(ctx, g); err != nil {
		return err
	}
	m.mu.Lock()
	m.groups[g.ID] = g
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateGroup(ctx context.Context, id string, change func(*Group) error) (Group, error) {
	g, err := m.Repo.UpdateGroup(ctx, id, change)
	if err != nil {
		return g, err
	}
	m.mu.Lock()
	m.groups[g.ID] = g
	m.mu.Unlock()
	return g, nil
}

func (m *memoryRepo) Group(_ context.Context, id string) (Group, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	g, ok := m.groups[id]
	if !ok {
		return Group{}, errs.ErrNotFound
	}
	return g, nil
}

func (m *memoryRepo) Groups(context.Context) ([]Group, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Group, 0, len(m.groups))
	for _, g := range m.groups {
		out = append(out, g)
	}
	return out, nil
}

func (m *memoryRepo) InsertMembership(ctx context.Context, x Membership) error {
	if err := m.Repo.InsertMembership(ctx, x); err != nil {
		return err
	}
	m.mu.Lock()
	m.putMembership(x)
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateMembership(ctx context.Context, id string, change func(*Membership) error) (Membership, error) {
	x, err := m.Repo.UpdateMembership(ctx, id, change)
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	m.putMembership(x)
	m.mu.Unlock()
	return x, nil
}

func (m *memoryRepo) Membership(_ context.Context, id string) (Membership, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	x, ok := m.memberships[id]
	if !ok {
		return Membership{}, errs.ErrNotFound
	}
	return x, nil
}

func (m *memoryRepo) MembershipsOfGroup(_ context.Context, groupID string) ([]Membership, error) {
	return m.membershipsIn(m.ofGroup, groupID), nil
}

func (m *memoryRepo) MembershipsOfUser(_ context.Context, userID string) ([]Membership, error) {
	return m.membershipsIn(m.ofUser, userID), nil
}

func (m *memoryRepo) membershipsIn(index map[string][]string, key string) []Membership {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Membership, 0, len(index[key]))
	for _, id := range index[key] {
		out = append(out, m.memberships[id])
	}
	return out
}

func (m *memoryRepo) InsertSeries(ctx context.Context, x Series) error {
	if err := m.Repo.InsertSeries(ctx, x); err != nil {
		return err
	}
	m.mu.Lock()
	m.series[x.ID] = x
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateSeries(ctx context.Context, id string, change func(*Series) error) (Series, error) {
	x, err := m.Repo.UpdateSeries(ctx, id, change)
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	m.series[x.ID] = x
	m.mu.Unlock()
	return x, nil
}

func (m *memoryRepo) SeriesOf(_ context.Context, groupID string) ([]Series, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Series
	for _, x := range m.series {
		if groupID == "" || x.GroupID == groupID {
			out = append(out, x)
		}
	}
	return out, nil
}

// InsertMeeting answers a known occurrence from memory: the daily expansion asks about every
// meeting of the horizon.
func (m *memoryRepo) InsertMeeting(ctx context.Context, x Meeting) error {
	m.mu.RLock()
	known := m.meetingKeys[Key(x.SeriesID, x.Original)]
	m.mu.RUnlock()
	if known {
		return errs.ErrDuplicate
	}
	if err := m.Repo.InsertMeeting(ctx, x); err != nil {
		return err
	}
	m.mu.Lock()
	m.putMeeting(x)
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateMeeting(ctx context.Context, id string, change func(*Meeting) error) (Meeting, error) {
	x, err := m.Repo.UpdateMeeting(ctx, id, change)
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	m.putMeeting(x)
	m.mu.Unlock()
	return x, nil
}

func (m *memoryRepo) Meeting(_ context.Context, id string) (Meeting, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	x, ok := m.meetings[id]
	if !ok {
		return Meeting{}, errs.ErrNotFound
	}
	return x, nil
}

func (m *memoryRepo) MeetingsOf(_ context.Context, groupID string) ([]Meeting, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Meeting, 0, len(m.meetingsOf[groupID]))
	for _, id := range m.meetingsOf[groupID] {
		out = append(out, m.meetings[id])
	}
	return out, nil
}

func (m *memoryRepo) InsertRSVP(ctx context.Context, x RSVP) error {
	if err := m.Repo.InsertRSVP(ctx, x); err != nil {
		return err
	}
	m.mu.Lock()
	m.putRSVP(x)
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateRSVP(ctx context.Context, id string, change func(*RSVP) error) (RSVP, error) {
	x, err := m.Repo.UpdateRSVP(ctx, id, change)
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	m.putRSVP(x)
	m.mu.Unlock()
	return x, nil
}

func (m *memoryRepo) RSVPsOf(_ context.Context, meetingID string) ([]RSVP, error) {
	return m.currentRSVPs(m.rsvpsOf, meetingID), nil
}

func (m *memoryRepo) RSVPsOfMembership(_ context.Context, membershipID string) ([]RSVP, error) {
	return m.currentRSVPs(m.rsvpsOfMember, membershipID), nil
}

func (m *memoryRepo) currentRSVPs(index map[string][]string, key string) []RSVP {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []RSVP
	for _, id := range index[key] {
		if x := m.rsvps[id]; x.Status.Current() {
			out = append(out, x)
		}
	}
	return out
}

func (m *memoryRepo) ReplaceUser(ctx context.Context, userID, pseudonym string) error {
	if err := m.Repo.ReplaceUser(ctx, userID, pseudonym); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range m.ofUser[userID] {
		x := m.memberships[id]
		x.UserID, x.Pseudonym = pseudonym, ""
		m.memberships[id] = x
		m.ofUser[pseudonym] = append(m.ofUser[pseudonym], id)
	}
	delete(m.ofUser, userID)
	for id, x := range m.rsvps {
		if x.UserID == userID {
			x.UserID = pseudonym
			m.rsvps[id] = x
		}
	}
	for id, x := range m.series {
		if x.CreatedBy == userID {
			x.CreatedBy = pseudonym
			m.series[id] = x
		}
	}
	return nil
}
