package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/notify"
)

func notice(key, userID string) notify.Request {
	return notify.Request{Key: key, UserID: userID, Kind: notify.OpportunityCancelled, Data: notify.Data{Title: "Fest " + key}}
}

func TestANotificationFromAnotherProcessReachesTheSubscriber(t *testing.T) {
	procs := processes(t, 2)
	f := newFixture(t, procs[0], "Fest")
	u := f.user("sub@example.org", account.LocaleDE)
	other := f.user("oth@example.org", account.LocaleDE)

	// The server: in-memory inbox, following the feed.
	inbox := notify.NewInbox(procs[0].Outbox(), procs[0].Outbox(), notify.InboxConfig{Memory: true}, quiet)
	if err := inbox.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ch, cancel := inbox.Subscribe(u)
	defer cancel()

	// A worker process creates the message.
	worker := jobs(procs[1], nil, "worker", newClock(time.Now()))
	created := time.Now()
	if _, err := worker.Service.Enqueue(t.Context(), []notify.Request{notice("event:e1:"+u, u), notice("event:e1:"+other, other)}); err != nil {
		t.Fatal(err)
	}
	var got notify.Notification
	select {
	case got = <-ch:
	case <-time.After(2 * time.Second):
		t.Fatal("no notification within 2 s")
	}
	t.Logf("pushed %v after creation", time.Since(created).Round(time.Millisecond))
	wantID := notify.MessageID("event:e1:"+u, notify.InApp)
	if got.ID != wantID || got.UserID != u || got.Title != "Abgesagt: Fest event:e1:"+u {
		t.Fatalf("pushed %+v, want %s for the subscriber", got, wantID)
	}
	select {
	case n := <-ch:
		t.Fatalf("the subscriber also got %+v, meant for another user", n)
	case <-time.After(700 * time.Millisecond):
	}

	page, err := inbox.List(t.Context(), u, 10, "", true)
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != wantID {
		t.Fatalf("unread list = %+v (%v), want the message", page, err)
	}
	for _, tt := range []struct {
		user string
		ids  []string
		want int
	}{
		{other, []string{wantID}, 0}, // not theirs
		{u, []string{wantID, "nonsense"}, 1},
		{u, []string{wantID}, 0}, // read already
	} {
		if n, err := inbox.MarkRead(t.Context(), tt.user, tt.ids); err != nil || n != tt.want {
			t.Errorf("MarkRead(%s, %v) = %d, %v; want %d", tt.user, tt.ids, n, err, tt.want)
		}
	}
	page, err = inbox.List(t.Context(), u, 10, "", true)
	if err != nil || len(page.Items) != 0 || page.TotalCount != 0 {
		t.Fatalf("unread list after marking = %+v (%v), want empty", page, err)
	}
	// The mark is stored: a fresh process sees it.
	fresh := notify.NewInbox(procs[1].Outbox(), procs[1].Outbox(), notify.InboxConfig{}, quiet)
	page, err = fresh.List(t.Context(), u, 10, "", false)
	if err != nil || len(page.Items) != 1 || page.Items[0].ReadAt.IsZero() {
		t.Fatalf("list in another process = %+v (%v), want the message read", page, err)
	}
}

func TestInboxPagesNewestFirst(t *testing.T) {
	for _, memory := range []bool{false, true} {
		t.Run(fmt.Sprintf("memory=%v", memory), func(t *testing.T) {
			procs := processes(t, 1)
			st := procs[0]
			f := newFixture(t, st, "Fest")
			u := f.user("pag@example.org", account.LocaleDE)
			c := newClock(time.Now().Add(-time.Hour))
			svc := jobs(st, nil, "w", c).Service
			inbox := notify.NewInbox(st.Outbox(), st.Outbox(), notify.InboxConfig{Memory: memory, Poll: 50 * time.Millisecond}, quiet)
			var ids []string
			create := func(i int) {
				key := fmt.Sprintf("test:%d", i)
				c.Add(time.Minute)
				if _, err := svc.Enqueue(t.Context(), []notify.Request{notice(key, u)}); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, notify.MessageID(key, notify.InApp))
			}
			for i := range 3 {
				create(i)
			}
			if err := inbox.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			for i := 3; i < 5; i++ {
				create(i)
			}
			if memory {
				time.Sleep(300 * time.Millisecond) // the feed delivers the last two
			}
			if _, err := inbox.MarkRead(t.Context(), u, []string{ids[4], ids[1]}); err != nil {
				t.Fatal(err)
			}
			var seen []string
			after := ""
			for {
				page, err := inbox.List(t.Context(), u, 2, after, false)
				if err != nil {
					t.Fatal(err)
				}
				if page.TotalCount != 5 {
					t.Fatalf("TotalCount = %d, want 5", page.TotalCount)
				}
				for _, n := range page.Items {
					seen = append(seen, n.ID)
				}
				if !page.HasNextPage {
					break
				}
				after = page.EndCursor
			}
			want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
			if fmt.Sprint(seen) != fmt.Sprint(want) {
				t.Fatalf("pages = %v, want %v", seen, want)
			}
			page, err := inbox.List(t.Context(), u, 10, "", true)
			if err != nil || page.TotalCount != 3 || len(page.Items) != 3 || page.Items[0].ID != ids[3] {
				t.Fatalf("unread = %+v (%v), want 3, newest %s", page, err, ids[3])
			}
			if _, err := inbox.List(t.Context(), u, 10, "bogus!", false); !errs.Is(err, errs.Invalid) {
				t.Fatalf("bad cursor: err = %v, want invalid input", err)
			}
		})
	}
}

func TestSensitiveMessagesTravelByEmailInNeutralWords(t *testing.T) {
	procs := processes(t, 1)
	f := newFixture(t, procs[0], "Selbsthilfe")
	u := f.user("sen@example.org", account.LocaleDE)
	svc := jobs(procs[0], nil, "w", newClock(friday10)).Service
	req := notice("group:g1:"+u, u)
	req.Sensitive = true
	if _, err := svc.Enqueue(t.Context(), []notify.Request{req}); err != nil {
		t.Fatal(err)
	}
	mail, err := svc.Message(t.Context(), notify.MessageID(req.Key, notify.Email))
	if err != nil {
		t.Fatal(err)
	}
	if mail.Title != "Neue Nachricht bei Mitwirken" || strings.Contains(mail.Body, "Fest") || !mail.Sensitive {
		t.Errorf("sensitive e-mail = %q / %q, want the neutral text", mail.Title, mail.Body)
	}
	app, err := svc.Message(t.Context(), notify.MessageID(req.Key, notify.InApp))
	if err != nil || !strings.Contains(app.Title, "Fest") {
		t.Errorf("sensitive in-app message = %q (%v), want the full text", app.Title, err)
	}
}

func TestPreferencesAreCheckedAndDefaulted(t *testing.T) {
	procs := processes(t, 1)
	svc := jobs(procs[0], nil, "w", newClock(friday10)).Service
	p, err := svc.Preferences(t.Context(), "nobody-chose")
	if err != nil || p != notify.DefaultPreferences("nobody-chose") {
		t.Fatalf("Preferences of a user who never chose = %+v, %v; want the defaults", p, err)
	}
	if _, err := svc.SetPreferences(t.Context(), notify.Preferences{UserID: "u", TimeZone: "Mars/Olympus"}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("unknown time zone: err = %v, want invalid input", err)
	}
	want := notify.Preferences{UserID: "u", Email: true, QuietStart: 22 * 60, QuietEnd: 7 * 60, TimeZone: "Europe/Lisbon"}
	if _, err := svc.SetPreferences(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Preferences(t.Context(), "u"); err != nil || got != want {
		t.Fatalf("Preferences = %+v, %v; want %+v", got, err, want)
	}
}
