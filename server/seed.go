package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/store"
)

// seedSize says how much demonstration data to write.
type seedSize struct {
	organisations, opportunities, shiftsEach, volunteers int
}

var seedSizes = map[string]seedSize{
	// demo is enough to click through the app.
	"demo": {organisations: 3, opportunities: 40, shiftsEach: 5, volunteers: 100},
	// large is the benchmark data set of docs/BENCHMARKS.md.
	"large": {organisations: 200, opportunities: 5000, shiftsEach: 10, volunteers: 20000},
}

// DemoPassword signs in every seeded account; seeded data is for demonstration only.
const DemoPassword = "mitwirken-demo"

// runSeed fills the configured store with realistic German data, reproducibly from -seed.
func runSeed(ctx context.Context, getenv func(string) string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(out)
	size := fs.String("size", "demo", "demo or large")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sz, ok := seedSizes[*size]
	if !ok {
		return fmt.Errorf("seed: -size must be demo or large, is %q", *size)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close(context.WithoutCancel(ctx)) }()
	start := time.Now()
	n, err := seedData(ctx, st, sz, *seed, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d records (%s) in %v\n", n, *size, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "sign in as coordinator-0@demo.mitwirken.org or volunteer-0@demo.mitwirken.org with password %q\n", DemoPassword)
	return nil
}

var (
	categories = []struct {
		key    string
		titles []string
		skills []string
		text   string
	}{
		{"food-bank", []string{"Ausgabe an der Tafel", "Lebensmittel abholen", "Sortieren im Lager"}, []string{"carrying", "driving", "organising"},
			"Wir retten Lebensmittel und geben sie an Menschen mit wenig Geld aus."},
		{"children", []string{"Hausaufgabenhilfe", "Vorlesen in der Kita", "Spielenachmittag im Jugendtreff"}, []string{"tutoring", "reading-aloud", "childcare"},
			"Kinder und Jugendliche freuen sich über Zeit, Geduld und Unterstützung beim Lernen."},
		{"family", []string{"Familienpatenschaft", "Begleitung junger Eltern", "Elterncafé betreuen"}, []string{"listening", "childcare", "organising"},
			"Familien im Alltag entlasten: zuhören, begleiten, gemeinsam Lösungen finden."},
		{"elderly", []string{"Besuchsdienst im Seniorenheim", "Spaziergänge mit Senioren", "Computerhilfe für Ältere"}, []string{"listening", "it-support", "reading-aloud"},
			"Ältere Menschen freuen sich über Gesellschaft, Gespräche und kleine Hilfen."},
		{"refugees", []string{"Sprachcafé", "Begleitung zu Behörden", "Übersetzen bei Beratungen"}, []string{"translation", "listening", "organising"},
			"Geflüchtete Menschen beim Ankommen unterstützen."},
		{"environment", []string{"Pflanzaktion im Stadtpark", "Gemeinschaftsgarten pflegen", "Müllsammelaktion"}, []string{"gardening", "carrying", "crafts"},
			"Gemeinsam für eine grüne und saubere Nachbarschaft."},
		{"neighbourhood", []string{"Einkaufshilfe", "Reparaturcafé", "Nachbarschaftsfest vorbereiten"}, []string{"crafts", "driving", "organising", "cooking"},
			"Nachbarinnen und Nachbarn helfen einander."},
		{"homelessness", []string{"Essensausgabe im Wärmestübchen", "Kleiderkammer", "Nachtcafé"}, []string{"cooking", "listening", "carrying"},
			"Wohnungslosen Menschen mit Respekt und einer warmen Mahlzeit begegnen."},
	}
	otherLanguages = []string{"en", "ar", "uk", "tr", "ru", "fa", "pl"}
)

func jitter(r *rand.Rand, v, spread float64) float64 {
	return math.Round((v+(r.Float64()*2-1)*spread)*10000) / 10000
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func some[T comparable](r *rand.Rand, list []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range r.Perm(len(list))[:min(n, len(list))] {
		out = append(out, list[i])
	}
	return out
}

// seedData writes the data set and returns how many records it wrote.
func seedData(ctx context.Context, st *store.Store, sz seedSize, seed uint64, now time.Time) (int, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	hash, err := account.HashPassword(DemoPassword)
	if err != nil {
		return 0, err
	}
	bulk := st.Bulk()

	coordinators := make([]*account.User, sz.organisations)
	for i := range coordinators {
		coordinators[i] = &account.User{Email: fmt.Sprintf("coordinator-%d@demo.mitwirken.org", i), DisplayName: fmt.Sprintf("Koordination %d", i),
			PasswordHash: hash, Locale: account.LocaleDE, CreatedAt: now}
	}
	volunteers := make([]*account.User, sz.volunteers)
	for i := range volunteers {
		volunteers[i] = &account.User{Email: fmt.Sprintf("volunteer-%d@demo.mitwirken.org", i), DisplayName: fmt.Sprintf("Freiwillige*r %d", i),
			PasswordHash: hash, Locale: account.LocaleDE, CreatedAt: now}
	}
	if err := bulk.Users(ctx, append(append([]*account.User{}, coordinators...), volunteers...)); err != nil {
		return 0, err
	}

	orgTowns := make([]town, sz.organisations)
	orgIDs := make([]string, sz.organisations)
	orgs := st.Organisations()
	for i, c := range coordinators {
		t := pick(r, towns)
		orgTowns[i] = t
		o := organisation.Organisation{Name: fmt.Sprintf("%s %s", pick(r, []string{"Tafel", "Diakonie", "Caritas", "Nachbarschaftshilfe", "Freiwilligenagentur", "Bürgerstiftung"}), t.name),
			Description: "Demonstrationsdaten", CreatedAt: now, Members: []organisation.Member{{UserID: c.ID, Role: organisation.RoleAdmin, Since: now}}}
		if err := orgs.Insert(ctx, &o); err != nil {
			return 0, err
		}
		orgIDs[i] = o.ID
	}

	opps := make([]*opportunity.Opportunity, sz.opportunities)
	for i := range opps {
		org := r.IntN(sz.organisations)
		t := orgTowns[org]
		c := pick(r, categories)
		o := &opportunity.Opportunity{OrganisationID: orgIDs[org], Title: pick(r, c.titles), Description: c.text, Category: c.key,
			Status: opportunity.StatusPublished, Skills: some(r, c.skills, 1+r.IntN(2)), Languages: []string{"de"},
			RequiredModuleIDs: []string{}, RequiredCredentials: []string{}, CreatedBy: coordinators[org].ID,
			CreatedAt: now, UpdatedAt: now, PublishedAt: now}
		if r.IntN(4) == 0 {
			o.Languages = append(o.Languages, pick(r, otherLanguages))
		}
		switch m := r.IntN(20); {
		case m < 14:
			o.Mode = opportunity.ModeOnsite
		case m < 17:
			o.Mode = opportunity.ModeOnline
		default:
			o.Mode = opportunity.ModeHybrid
		}
		if o.Mode != opportunity.ModeOnline {
			o.Location = &opportunity.Location{Address: fmt.Sprintf("%s %d, %s %s", pick(r, []string{"Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenweg", "Marktplatz"}), 1+r.IntN(80), t.postal, t.name),
				Latitude: jitter(r, t.lat, 0.05), Longitude: jitter(r, t.lng, 0.08)}
		}
		if o.Mode != opportunity.ModeOnsite {
			o.OnlineURL = "https://meet.demo.mitwirken.org/" + fmt.Sprint(i)
		}
		if c.key == "children" && r.IntN(2) == 0 {
			o.RequiredCredentials = []string{"CERTIFICATE_OF_CONDUCT"}
		}
		if r.IntN(10) == 0 {
			o.RequiresApproval = true
		}
		if r.IntN(5) == 0 {
			o.EasyLanguageSummary = "Du hilfst anderen Menschen. Das macht Freude."
			o.AccessibilityNotes = "Der Eingang ist stufenlos."
		}
		opps[i] = o
	}
	if err := bulk.Opportunities(ctx, opps); err != nil {
		return 0, err
	}

	berlin, _ := time.LoadLocation(opportunity.DefaultTimeZone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, berlin)
	shifts := make([]*opportunity.Shift, 0, sz.opportunities*sz.shiftsEach)
	for _, o := range opps {
		for range sz.shiftsEach {
			sh := &opportunity.Shift{OpportunityID: o.ID, OrganisationID: o.OrganisationID, TimeZone: opportunity.DefaultTimeZone,
				Capacity: 1 + r.IntN(20), Status: opportunity.ShiftActive, CreatedAt: now}
			day := today.AddDate(0, 0, 1+r.IntN(60))
			if o.Mode == opportunity.ModeOnline && r.IntN(4) == 0 {
				sh.Deadline = day.Add(23*time.Hour + 59*time.Minute).UTC()
			} else {
				sh.StartsAt = day.Add(time.Duration(8+r.IntN(12)) * time.Hour).UTC()
				sh.EndsAt = sh.StartsAt.Add(time.Duration(1+r.IntN(4)) * time.Hour)
			}
			shifts = append(shifts, sh)
		}
	}
	if err := bulk.Shifts(ctx, shifts); err != nil {
		return 0, err
	}

	skillKeys := make([]string, len(profile.Skills))
	for i, s := range profile.Skills {
		skillKeys[i] = s.Key
	}
	interestKeys := make([]string, len(profile.Interests))
	for i, s := range profile.Interests {
		interestKeys[i] = s.Key
	}
	profiles := make([]profile.Profile, len(volunteers))
	for i, v := range volunteers {
		t := pick(r, towns)
		p := profile.Profile{UserID: v.ID, Skills: some(r, skillKeys, 1+r.IntN(4)), Interests: some(r, interestKeys, 1+r.IntN(3)),
			Languages: []string{"de"}, TimeZone: opportunity.DefaultTimeZone, HasLocation: true,
			Latitude: math.Round(jitter(r, t.lat, 0.06)*100) / 100, Longitude: math.Round(jitter(r, t.lng, 0.09)*100) / 100,
			PostalCode: t.postal, RadiusKm: float64(5 + r.IntN(26)), OnlineOnly: r.IntN(15) == 0, Contactable: r.IntN(5) < 3,
			AccessibilityNeeds: []string{}, EasyLanguage: r.IntN(20) == 0, UpdatedAt: now}
		if r.IntN(3) == 0 {
			p.Languages = append(p.Languages, pick(r, otherLanguages))
		}
		for range 1 + r.IntN(4) {
			from := (8 + r.IntN(10)) * 60
			p.Availability = append(p.Availability, profile.Window{Weekday: time.Weekday(r.IntN(7)), From: from, To: from + (2+r.IntN(5))*60})
		}
		profiles[i] = p
	}
	if err := bulk.Profiles(ctx, profiles); err != nil {
		return 0, err
	}
	return 2*len(coordinators) + 2*len(volunteers) + len(orgIDs) + len(opps) + len(shifts) + len(profiles), nil
}
