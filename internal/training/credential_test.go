package training_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/training"
)

func coc(orgID, volunteerID, documentDate string) training.CredentialInput {
	return training.CredentialInput{OrganisationID: orgID, VolunteerID: volunteerID, Kind: "certificate_of_conduct", DocumentDate: documentDate}
}

func TestCredentialsAreRecordedByCoordinatorsOnly(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	vol, stranger := e.user(t, "vol"), e.user(t, "stranger")
	otherCoord := e.user(t, "other")
	if _, err := e.orgs.Create(t.Context(), otherCoord, organisationInput()); err != nil {
		t.Fatal(err)
	}
	// A volunteer cannot record one, not even for themself; nor can another organisation's coordinator.
	for _, actor := range []struct {
		name string
		id   string
	}{{"volunteer", vol.UserID}, {"other coordinator", otherCoord.UserID}} {
		a := vol
		if actor.id == otherCoord.UserID {
			a = otherCoord
		}
		_, err := e.svc.RecordCredential(t.Context(), a, coc(e.orgID, vol.UserID, "2029-06-01"))
		wantKind(t, err, errs.Forbidden, "")
	}
	c, err := e.svc.RecordCredential(t.Context(), e.coord, coc(e.orgID, vol.UserID, "2029-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	// The default validity of the certificate of conduct: five years from the document's date.
	if c.Kind != training.CertificateOfConduct || c.ValidUntil.String() != "2034-06-01" || c.SeenDate.String() != "2030-03-05" || c.VerifiedBy != e.coord.UserID {
		t.Fatalf("credential = %+v", c)
	}
	mine, err := e.svc.MyCredentials(t.Context(), vol)
	if err != nil || len(mine) != 1 || mine[0].ID != c.ID {
		t.Fatalf("own credentials = %+v (%v)", mine, err)
	}
	if theirs, err := e.svc.MyCredentials(t.Context(), stranger); err != nil || len(theirs) != 0 {
		t.Fatalf("a stranger sees %+v (%v)", theirs, err)
	}
	if _, err := e.svc.OrganisationCredentials(t.Context(), stranger, e.orgID, ""); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a stranger lists the organisation's credentials: %v", err)
	}
	if _, err := e.svc.OrganisationCredentials(t.Context(), otherCoord, e.orgID, ""); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("another organisation lists them: %v", err)
	}
	if list, err := e.svc.OrganisationCredentials(t.Context(), e.coord, e.orgID, vol.UserID); err != nil || len(list) != 1 {
		t.Fatalf("coordinator lists %+v (%v)", list, err)
	}
	if _, err := e.svc.RevokeCredential(t.Context(), otherCoord, c.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("another organisation revokes: %v", err)
	}
	if _, err := e.svc.RevokeCredential(t.Context(), e.coord, c.ID); err != nil {
		t.Fatal(err)
	}
	if mine, _ := e.svc.MyCredentials(t.Context(), vol); len(mine) != 0 {
		t.Fatalf("revoked credential still held: %+v", mine)
	}
}

func TestCredentialInputIsChecked(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	vol := e.user(t, "vol")
	tests := []struct {
		name  string
		edit  func(*training.CredentialInput)
		kind  errs.Kind
		field string
	}{
		{"bad kind", func(in *training.CredentialInput) { in.Kind = "führungszeugnis" }, errs.Invalid, "input.kind"},
		{"no date", func(in *training.CredentialInput) { in.DocumentDate = "" }, errs.Invalid, "input.documentDate"},
		{"bad date", func(in *training.CredentialInput) { in.DocumentDate = "1.6.2029" }, errs.Invalid, "input.documentDate"},
		{"future document", func(in *training.CredentialInput) { in.DocumentDate = "2031-01-01" }, errs.Invalid, "input.documentDate"},
		{"seen before issued", func(in *training.CredentialInput) { in.SeenDate = "2029-01-01" }, errs.Invalid, "input.seenDate"},
		{"ends before it starts", func(in *training.CredentialInput) { in.ValidUntil = "2029-05-01" }, errs.Invalid, "input.validUntil"},
		{"no volunteer", func(in *training.CredentialInput) { in.VolunteerID = "" }, errs.Invalid, "input.volunteerId"},
		{"unknown volunteer", func(in *training.CredentialInput) { in.VolunteerID = "000000000000000000000000" }, errs.NotFound, "input.volunteerId"},
		{"unknown e-mail", func(in *training.CredentialInput) { in.VolunteerID, in.Email = "", "nobody@example.org" }, errs.NotFound, "input.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := coc(e.orgID, vol.UserID, "2029-06-01")
			tt.edit(&in)
			_, err := e.svc.RecordCredential(t.Context(), e.coord, in)
			wantKind(t, err, tt.kind, tt.field)
		})
	}
	if all, _ := e.st.Credentials().AllCredentials(t.Context()); len(all) != 0 {
		t.Fatalf("bad input stored %+v", all)
	}
}

// TestCheckGatesOnTheShiftsDate: what counts today but not on the shift's date gates.
func TestCheckGatesOnTheShiftsDate(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	in := moduleInput(e.orgID)
	in.ValidityMonths = ptr(1)
	m := e.published(t, in)
	vol := e.user(t, "vol")
	o := opportunity.Opportunity{ID: "o", OrganisationID: e.orgID, RequiredModuleIDs: []string{m.ID},
		RequiredCredentials: []string{training.CertificateOfConduct}}
	soon, later := start.Add(7*24*time.Hour), start.Add(40*24*time.Hour)

	err := e.svc.Check(t.Context(), vol.UserID, o, soon)
	wantKind(t, err, errs.Forbidden, "shiftId")
	if !strings.Contains(err.Error(), "Datenschutz im Ehrenamt") || !strings.Contains(err.Error(), "certificate of conduct") {
		t.Fatalf("refusal does not name what is missing: %v", err)
	}
	if _, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m)); err != nil {
		t.Fatal(err)
	}
	// The certificate of conduct was issued almost five years ago: valid now, not in 40 days.
	if _, err := e.svc.RecordCredential(t.Context(), e.coord, coc(e.orgID, vol.UserID, "2025-03-20")); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Check(t.Context(), vol.UserID, o, soon); err != nil {
		t.Fatalf("qualified volunteer refused: %v", err)
	}
	err = e.svc.Check(t.Context(), vol.UserID, o, later)
	wantKind(t, err, errs.Forbidden, "shiftId")
	var re *errs.Error
	_ = asError(err, &re)
	if re.Detail["missingModuleIds"] != m.ID || re.Detail["missingCredentials"] != training.CertificateOfConduct ||
		!strings.Contains(re.Msg, "expires 2030-04-05") || !strings.Contains(re.Msg, "valid until 2030-03-20") {
		t.Fatalf("refusal = %v %v", re.Msg, re.Detail)
	}
	// A credential counts only for the organisation that verified it.
	o.OrganisationID = "another"
	o.RequiredModuleIDs = nil
	wantKind(t, e.svc.Check(t.Context(), vol.UserID, o, soon), errs.Forbidden, "shiftId")
	// Holdings for the feed say the same, with when each stops counting.
	mods, creds, err := e.svc.Holdings(t.Context(), vol.UserID, soon)
	if err != nil || !mods[m.ID].Equal(start.AddDate(0, 1, 0)) || creds["another"] != nil ||
		!creds[e.orgID][training.CertificateOfConduct].Equal(time.Date(2030, 3, 21, 0, 0, 0, 0, berlin)) {
		t.Fatalf("holdings = %v %v (%v)", mods, creds, err)
	}
}

func TestCredentialsAreDeletedAfterInactivity(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true, CredentialRetention: 60 * 24 * time.Hour})
	idle, active, upcoming := e.user(t, "idle"), e.user(t, "active"), e.user(t, "upcoming")
	for _, v := range []string{idle.UserID, active.UserID, upcoming.UserID} {
		if _, err := e.svc.RecordCredential(t.Context(), e.coord, coc(e.orgID, v, "2029-06-01")); err != nil {
			t.Fatal(err)
		}
	}
	// Shifts: the active volunteer's ended 30 days before the run, the upcoming one's is ahead;
	// the idle volunteer worked for another organisation only.
	run := start.Add(100 * 24 * time.Hour)
	shifts := []struct {
		user, org string
		end       time.Time
	}{{active.UserID, e.orgID, run.Add(-30 * 24 * time.Hour)}, {upcoming.UserID, e.orgID, run.Add(24 * time.Hour)},
		{idle.UserID, "elsewhere", run.Add(-24 * time.Hour)}}
	for i, sh := range shifts {
		su := signup.Signup{ID: e.st.Training().NewID(), ShiftID: "s" + string(rune('a'+i)), OpportunityID: "o", OrganisationID: sh.org,
			UserID: sh.user, Status: signup.Attended, Seat: 1, ShiftStart: sh.end.Add(-time.Hour), ShiftEnd: sh.end, CreatedAt: start}
		if err := e.st.Signups().Insert(t.Context(), su); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.set(run)
	// Cached holdings must not outlive the deletion.
	if mine, _ := e.svc.MyCredentials(t.Context(), idle); len(mine) != 1 {
		t.Fatal("setup")
	}
	n, err := e.svc.Prune(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want 1", n, err)
	}
	if mine, _ := e.svc.MyCredentials(t.Context(), idle); len(mine) != 0 {
		t.Fatalf("idle volunteer's credential kept: %+v", mine)
	}
	for _, v := range []string{active.UserID, upcoming.UserID} {
		if list, _ := e.svc.OrganisationCredentials(t.Context(), e.coord, e.orgID, v); len(list) != 1 {
			t.Fatalf("credential of %s deleted", v)
		}
	}
	// Again, nothing more to do.
	if n, err := e.svc.Prune(t.Context()); err != nil || n != 0 {
		t.Fatalf("second run pruned %d (%v)", n, err)
	}
}

func TestCertificateIsSignedAndVerifiable(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	m := e.published(t, moduleInput(e.orgID))
	vol := e.user(t, "Jana")
	res, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Certificate(t.Context(), e.user(t, "x"), res.Completion.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("someone else's certificate: %v", err)
	}
	cert, err := e.svc.Certificate(t.Context(), vol, res.Completion.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.VerifyCertificate(t.Context(), cert.Token)
	if err != nil || !v.Valid || v.Certificate.ModuleTitle != m.Title || v.Certificate.Version != 1 || v.Certificate.HolderName != "Jana" {
		t.Fatalf("verification = %+v (%v)", v, err)
	}
	// Another process on the same store verifies it too.
	other := training.NewService(e.st.Training(), e.st.Credentials(), e.orgs, nil, e.events, nil, nil, training.Config{})
	if v, err := other.VerifyCertificate(t.Context(), cert.Token); err != nil || !v.Valid {
		t.Fatalf("other process: %+v (%v)", v, err)
	}
	body, sig, _ := strings.Cut(cert.Token, ".")
	forged := strings.Replace(body, body[5:9], "AAAA", 1) + "." + sig
	for _, bad := range []string{"", "x.y", forged, body + "." + sig[:len(sig)-4] + "AAAA"} {
		_, err := e.svc.VerifyCertificate(t.Context(), bad)
		wantKind(t, err, errs.Invalid, "token")
	}
	e.clock.set(start.AddDate(1, 0, 1))
	if v, err := e.svc.VerifyCertificate(t.Context(), cert.Token); err != nil || v.Valid {
		t.Fatalf("expired certificate = %+v (%v), want genuine but not valid", v, err)
	}
}

func TestExpiringListsSoonEndingCompletionsAndCredentials(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	in := moduleInput(e.orgID)
	in.ValidityMonths = ptr(1)
	m := e.published(t, in)
	vol, renewed := e.user(t, "vol"), e.user(t, "renewed")
	if _, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SubmitQuiz(t.Context(), renewed, m.ID, 0, right(m)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordCredential(t.Context(), e.coord, coc(e.orgID, vol.UserID, "2025-04-10")); err != nil {
		t.Fatal(err)
	}
	e.clock.set(start.Add(20 * 24 * time.Hour))
	if _, err := e.svc.SubmitQuiz(t.Context(), renewed, m.ID, 0, right(m)); err != nil {
		t.Fatal(err)
	}
	now := e.clock.now()
	list, err := e.svc.Expiring(t.Context(), now, now.Add(training.ExpirySoon))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range list {
		if x.UserID != vol.UserID || !slices.Equal(x.Coordinators, []string{e.coord.UserID}) {
			t.Fatalf("expiry = %+v", x)
		}
		got = append(got, x.Module+x.Credential)
	}
	slices.Sort(got)
	if want := []string{training.CertificateOfConduct, m.Title}; !slices.Equal(got, want) {
		t.Fatalf("expiring = %v, want %v", got, want)
	}
}
