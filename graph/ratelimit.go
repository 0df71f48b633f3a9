package graph

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limitRate answers RATE_LIMITED (HTTP 429 with Retry-After) to a client address that sends
// more than perSecond requests a second, beyond a burst of twice that. The limits are kept in
// this replica's memory: a client spread over replicas gets that many per replica, which is
// what the limit is for, keeping one client from starving the others here. Sign-in failures
// have their own limits in the store, shared by all replicas.
func limitRate(perSecond float64, next http.Handler) http.Handler {
	if perSecond <= 0 {
		return next
	}
	l := &limiters{perSecond: perSecond, byAddr: map[string]*limiter{}}
	go l.forgetIdle()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := l.get(clientAddr(req.Context())).Reserve()
		if d := r.Delay(); d > 0 {
			r.Cancel()
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
			writeError(w, http.StatusTooManyRequests, "RATE_LIMITED", "too many requests; try again in a moment")
			return
		}
		next.ServeHTTP(w, req)
	})
}

type limiter struct {
	*rate.Limiter
	seen time.Time
}

type limiters struct {
	perSecond float64
	mu        sync.Mutex
	byAddr    map[string]*limiter
}

func (l *limiters) get(addr string) *limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.byAddr[addr]
	if lim == nil {
		lim = &limiter{Limiter: rate.NewLimiter(rate.Limit(l.perSecond), int(math.Ceil(2*l.perSecond)))}
		l.byAddr[addr] = lim
	}
	lim.seen = time.Now()
	return lim
}

// forgetIdle drops the limiters of addresses quiet for ten minutes, so that the map does not
// grow with every address ever seen.
func (l *limiters) forgetIdle() {
	for range time.Tick(time.Minute) {
		l.mu.Lock()
		for addr, lim := range l.byAddr {
			if time.Since(lim.seen) > 10*time.Minute {
				delete(l.byAddr, addr)
			}
		}
		l.mu.Unlock()
	}
}
