package keylock

import (
	"sync"
	"testing"
)

func TestLockSerialisesOneKeyAndForgetsIt(t *testing.T) {
	var m Map
	counter := 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := m.Lock("doc")
			v := counter
			counter = v + 1 // a lost update shows up as a count below 100 and as a race
			unlock()
		}()
	}
	wg.Wait()
	if counter != 100 {
		t.Fatalf("counter = %d, want 100", counter)
	}
	if n := len(m.locks); n != 0 {
		t.Fatalf("locks left = %d, want 0", n)
	}
}

func TestLockDoesNotBlockOtherKeys(t *testing.T) {
	var m Map
	unlockA := m.Lock("a")
	defer unlockA()
	done := make(chan struct{})
	go func() {
		m.Lock("b")()
		close(done)
	}()
	<-done
}
