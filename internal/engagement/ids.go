package engagement

import (
	"fmt"
	"strconv"
	"time"
)

// Events are stored under ObjectIDs in hex, which begin with the second they were created in:
// readers of the log (notices, statistics) follow it by ID and turn times into ID bounds.

// IDFloor is the smallest event ID of the second of t: every ID created before t is lower.
func IDFloor(t time.Time) string { return fmt.Sprintf("%08x%016x", uint32(t.Unix()), 0) }

// IDTime is the second an event ID was created in.
func IDTime(id string) (time.Time, bool) {
	if len(id) < 8 {
		return time.Time{}, false
	}
	s, err := strconv.ParseUint(id[:8], 16, 32)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(s), 0), true
}
