package tz

import "testing"

func TestLoad(t *testing.T) {
	for range 2 { // the second answer comes from the cache
		loc, ok := Load("Europe/Zurich")
		if !ok || loc.String() != "Europe/Zurich" {
			t.Fatalf("Load(Europe/Zurich) = %v, %v", loc, ok)
		}
	}
	if loc, ok := Load("Mars/Olympus"); ok || loc != nil {
		t.Fatalf("Load(Mars/Olympus) = %v, %v; want not found", loc, ok)
	}
}
