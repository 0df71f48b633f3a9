package opportunity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// memoryRepo keeps every opportunity and shift in memory in front of the store, for a
// process that is the only writer (the embedded store, where a lookup costs a round trip
// through FerretDB and any filter scans the collection). Reads never reach the store; writes
// go to the store first and then to memory.
type memoryRepo struct {
	Repo // the store

	mu       sync.RWMutex
	opps     map[string]Opportunity
	shifts   map[string]Shift
	shiftsOf map[string][]string // opportunity → shift IDs
}

// AllShifts is implemented by repositories that can list every shift, for preloading.
type AllShifts interface {
	AllShifts(ctx context.Context) ([]Shift, error)
}

func loadMemoryRepo(ctx context.Context, store Repo) (*memoryRepo, error) {
	all, ok := store.(AllShifts)
	if !ok {
		return nil, errors.New("opportunity: the store cannot list all shifts")
	}
	opps, err := store.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	shifts, err := all.AllShifts(ctx)
	if err != nil {
		return nil, err
	}
	m := &memoryRepo{Repo: store, opps: make(map[string]Opportunity, len(opps)),
		shifts: make(map[string]Shift, len(shifts)), shiftsOf: map[string][]string{}}
	for _, o := range opps {
		m.opps[o.ID] = o
	}
	for _, sh := range shifts {
		m.putShift(sh)
	}
	return m, nil
}

func (m *memoryRepo) putShift(sh Shift) {
	if _, known := m.shifts[sh.ID]; !known {
		m.shiftsOf[sh.OpportunityID] = append(m.shiftsOf[sh.OpportunityID], sh.ID)
	}
	m.shifts[sh.ID] = sh
}

func (m *memoryRepo) Insert(ctx context.Context, o *Opportunity) error {
	if err := m.Repo.Insert(ctx, o); err != nil {
		return err
	}
	m.mu.Lock()
	m.opps[o.ID] = *o
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) Update(ctx context.Context, id string, change func(*Opportunity) error) (Opportunity, error) {
	o, err := m.Repo.Update(ctx, id, change)
	if err != nil {
		return o, err
	}
	m.mu.Lock()
	m.opps[o.ID] = o
	m.mu.Unlock()
	return o, nil
}

func (m *memoryRepo) InsertShift(ctx context.Context, sh *Shift) error {
	if err := m.Repo.InsertShift(ctx, sh); err != nil {
		return err
	}
	m.mu.Lock()
	m.putShift(*sh)
	m.mu.Unlock()
	return nil
}

func (m *memoryRepo) UpdateShift(ctx context.Context, id string, change func(*Shift) error) (Shift, error) {
	sh, err := m.Repo.UpdateShift(ctx, id, change)
	if err != nil {
		return sh, err
	}
	m.mu.Lock()
	m.putShift(sh)
	m.mu.Unlock()
	return sh, nil
}

func (m *memoryRepo) ByID(_ context.Context, id string) (Opportunity, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	o, ok := m.opps[id]
	if !ok {
		return Opportunity{}, errs.ErrNotFound
	}
	return o, nil
}

func (m *memoryRepo) ByIDs(_ context.Context, ids []string) (map[string]Opportunity, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]Opportunity, len(ids))
	for _, id := range ids {
		if o, ok := m.opps[id]; ok {
			out[id] = o
		}
	}
	return out, nil
}

func (m *memoryRepo) List(_ context.Context, f Filter) ([]Opportunity, error) {
	m.mu.RLock()
	out := make([]Opportunity, 0, len(m.opps))
	for _, o := range m.opps {
		if (f.OrganisationID == "" || o.OrganisationID == f.OrganisationID) && (f.Mode == "" || o.Mode == f.Mode) &&
			(f.Category == "" || o.Category == f.Category) && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, o.Status)) {
			out = append(out, o)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Opportunity) int { return strings.Compare(b.ID, a.ID) })
	return out, nil
}

func (m *memoryRepo) ShiftByID(_ context.Context, id string) (Shift, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	sh, ok := m.shifts[id]
	if !ok {
		return Shift{}, errs.ErrNotFound
	}
	return sh, nil
}

func (m *memoryRepo) ShiftsByIDs(_ context.Context, ids []string) (map[string]Shift, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]Shift, len(ids))
	for _, id := range ids {
		if sh, ok := m.shifts[id]; ok {
			out[id] = sh
		}
	}
	return out, nil
}

func (m *memoryRepo) ShiftsOf(_ context.Context, opportunityIDs []string) (map[string][]Shift, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string][]Shift, len(opportunityIDs))
	for _, id := range opportunityIDs {
		for _, sid := range m.shiftsOf[id] {
			out[id] = append(out[id], m.shifts[sid])
		}
	}
	return out, nil
}
