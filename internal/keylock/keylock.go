// Package keylock serialises work on one key (for example one document) inside a process.
//
// The embedded store does not execute conditional updates atomically, so every
// read-modify-write of a document is done while holding the document's key here; MongoDB then
// makes the same conditional update atomic across processes.
package keylock

import "sync"

// Map hands out one mutex per key and forgets keys nobody holds, so it does not grow with the
// number of documents ever touched.
type Map struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	mu      sync.Mutex
	holders int
}

// Lock blocks until the caller holds key and returns the function that releases it.
func (m *Map) Lock(key string) (unlock func()) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = make(map[string]*entry)
	}
	e := m.locks[key]
	if e == nil {
		e = &entry{}
		m.locks[key] = e
	}
	e.holders++
	m.mu.Unlock()

	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		m.mu.Lock()
		e.holders--
		if e.holders == 0 {
			delete(m.locks, key)
		}
		m.mu.Unlock()
	}
}
