package notify

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Data fills a message's template.
type Data struct {
	// Name is the recipient's display name; Enqueue fills it in.
	Name string
	// Title is the opportunity's title.
	Title string
	// Start is the shift's start in the shift's time zone; zero for a task with a deadline.
	Start time.Time
	// Reason is what the organisation wrote when it cancelled.
	Reason string
	// Items are the shifts a coordinator digest lists.
	Items []DigestItem
	// Until is when a completion or credential ends; Person is the volunteer it belongs to
	// (in messages to coordinators); Credential is a credential kind.
	Until      time.Time
	Person     string
	Credential string
}

// The texts are plain and calm: they say what happened and what the person may do, without
// pressure, and address everyone alike.
var texts = map[account.Locale]map[Kind][2]string{
	account.LocaleDE: {
		TrainingExpiring: {`Schulung läuft bald ab: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

Ihr Abschluss der Schulung „{{.Title}}“ gilt bis {{day .Until}}. Danach können Sie Aufgaben, die diese Schulung voraussetzen, nicht mehr übernehmen. Wenn Sie mögen, frischen Sie die Schulung vorher in der App auf.`},
		TrainingExpiringStaff: {`Schulung läuft bald ab: {{.Title}} ({{.Person}})`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

der Abschluss der Schulung „{{.Title}}“ von {{.Person}} gilt bis {{day .Until}}. Danach kann {{.Person}} Aufgaben, die diese Schulung voraussetzen, nicht mehr übernehmen, bis die Schulung aufgefrischt ist.`},
		CredentialExpiring: {`Nachweis läuft bald ab: {{credential .Credential}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

Ihr Nachweis „{{credential .Credential}}“, den Ihre Organisation gesehen hat, gilt bis {{day .Until}}. Bitte legen Sie der Organisation rechtzeitig einen neuen vor, damit Sie Aufgaben, die ihn voraussetzen, weiter übernehmen können.`},
		CredentialExpiringStaff: {`Nachweis läuft bald ab: {{credential .Credential}} ({{.Person}})`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

der Nachweis „{{credential .Credential}}“ von {{.Person}} gilt bis {{day .Until}}. Bitte sprechen Sie {{.Person}} rechtzeitig auf einen neuen an.`},
		AccountInactive: {`Ihr Konto bei Mitwirken wird bald gelöscht`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

Sie haben Mitwirken lange nicht genutzt. Damit wir keine Daten länger aufbewahren als nötig, löschen wir Ihr Konto mit allen persönlichen Daten nach dem {{day .Until}}.

Wenn Sie Ihr Konto behalten möchten, melden Sie sich einfach vorher in der App an. Wenn nicht, müssen Sie nichts tun.`},
		Invitation: {`Einladung: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

eine Organisation lädt Sie zu „{{.Title}}“{{if not .Start.IsZero}} ({{when .Start}}){{end}} ein, weil die Aufgabe zu Ihrem Profil passt. Wenn Sie mögen, melden Sie sich in der App an; wenn nicht, müssen Sie nichts tun.

Einladungen können Sie in Ihrem Profil abstellen.`},
		MeetingReminder: {`Erinnerung: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

Ihr Gruppentreffen „{{.Title}}“ beginnt {{when .Start}}.

Falls Sie doch nicht kommen können, sagen Sie bitte in der App ab. Dann kann jemand anderes den Platz bekommen.`},
		MeetingPromoted: {`Sie haben einen Platz: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

beim Gruppentreffen „{{.Title}}“ {{when .Start}} ist ein Platz frei geworden. Sie standen auf der Warteliste und sind jetzt dabei.

Falls Sie nicht mehr kommen können, sagen Sie bitte in der App ab.`},
		MeetingPromotedNeutral: {`Sie haben einen Platz beim Gruppentreffen`,
			`Guten Tag,

beim Gruppentreffen {{when .Start}} ist ein Platz für Sie frei geworden.

Falls Sie nicht mehr kommen können, sagen Sie bitte in der App ab.`},
		MeetingCancelled: {`Treffen abgesagt: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

das Gruppentreffen „{{.Title}}“ {{when .Start}} findet nicht statt.{{with .Reason}}

Dazu wurde geschrieben: {{.}}{{end}}`},
		MeetingMoved: {`Neue Zeit: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

das Gruppentreffen „{{.Title}}“ wurde verlegt. Es beginnt jetzt {{when .Start}}.

Falls Sie zur neuen Zeit nicht kommen können, sagen Sie bitte in der App ab.`},
		MeetingMovedNeutral: {`Gruppentreffen verlegt`,
			`Guten Tag,

Ihr Gruppentreffen wurde verlegt. Es beginnt jetzt {{when .Start}}.`},
		MeetingCancelledNeutral: {`Gruppentreffen abgesagt`,
			`Guten Tag,

Ihr Gruppentreffen {{when .Start}} findet nicht statt. Mehr dazu finden Sie in der App.`},
		MeetingReminderNeutral: {`Erinnerung: Gruppentreffen`,
			`Guten Tag,

Ihr Gruppentreffen beginnt {{when .Start}}.

Falls Sie doch nicht kommen können, sagen Sie bitte in der App ab.`},
		ShiftReminder: {`Erinnerung: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

Ihr Einsatz „{{.Title}}“ beginnt {{when .Start}}.

Falls Sie nicht kommen können, sagen Sie bitte in der App ab. Dann kann jemand anderes den Platz übernehmen.`},
		Promoted: {`Sie haben einen Platz: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

für „{{.Title}}“{{if not .Start.IsZero}} ({{when .Start}}){{end}} ist ein Platz frei geworden. Sie waren auf der Warteliste und sind jetzt fest angemeldet.

Falls Sie nicht mehr kommen können, sagen Sie bitte in der App ab.`},
		OpportunityCancelled: {`Abgesagt: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

„{{.Title}}“ findet nicht statt. Ihre Anmeldung ist damit erledigt; Sie müssen nichts weiter tun.{{with .Reason}}

Die Organisation schreibt dazu: {{.}}{{end}}`},
		CoordinatorDigest: {`Offene Plätze in den nächsten 14 Tagen: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

bei „{{.Title}}“ sind in den nächsten 14 Tagen noch Plätze frei:
{{range .Items}}
- {{.Title}}, {{when .Start}}: {{.Free}} von {{.Capacity}} frei{{end}}

In der App finden Sie zu jedem Termin passende Freiwillige, die Sie einladen können.`},
		ShiftChanged: {`Neue Zeit: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

der Termin für „{{.Title}}“, für den Sie angemeldet sind, hat sich geändert. Er beginnt jetzt {{when .Start}}.

Ihre Anmeldung bleibt bestehen. Falls Sie zur neuen Zeit nicht können, sagen Sie bitte in der App ab; dann kann jemand anderes den Platz übernehmen.`},
		ShiftCancelled: {`Termin abgesagt: {{.Title}}`,
			`Guten Tag{{with .Name}} {{.}}{{end}},

der Termin{{if not .Start.IsZero}} {{when .Start}}{{end}} für „{{.Title}}“ findet nicht statt. Ihre Anmeldung dafür ist damit erledigt; Sie müssen nichts weiter tun.{{with .Reason}}

Die Organisation schreibt dazu: {{.}}{{end}}`},
	},
	account.LocaleEN: {
		TrainingExpiring: {`Training ends soon: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

your completion of the training “{{.Title}}” is valid until {{day .Until}}. After that you cannot take tasks that require it. If you like, renew the training in the app before then.`},
		TrainingExpiringStaff: {`Training ends soon: {{.Title}} ({{.Person}})`,
			`Hello{{with .Name}} {{.}}{{end}},

{{.Person}}'s completion of the training “{{.Title}}” is valid until {{day .Until}}. After that {{.Person}} cannot take tasks that require it until the training is renewed.`},
		CredentialExpiring: {`Credential ends soon: {{credential .Credential}}`,
			`Hello{{with .Name}} {{.}}{{end}},

your {{credential .Credential}}, as seen by your organisation, is valid until {{day .Until}}. Please show the organisation a new one in time, so that you can keep taking tasks that require it.`},
		CredentialExpiringStaff: {`Credential ends soon: {{credential .Credential}} ({{.Person}})`,
			`Hello{{with .Name}} {{.}}{{end}},

{{.Person}}'s {{credential .Credential}} is valid until {{day .Until}}. Please ask {{.Person}} for a new one in time.`},
		AccountInactive: {`Your Mitwirken account will be deleted soon`,
			`Hello{{with .Name}} {{.}}{{end}},

you have not used Mitwirken for a long time. So that we keep no data longer than needed, we will delete your account with all personal data after {{day .Until}}.

If you want to keep your account, simply sign in to the app before then. If not, you need not do anything.`},
		Invitation: {`Invitation: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

an organisation invites you to “{{.Title}}”{{if not .Start.IsZero}} ({{when .Start}}){{end}} because the task fits your profile. If you like, sign up in the app; if not, there is nothing you need to do.

You can turn invitations off in your profile.`},
		MeetingReminder: {`Reminder: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

your group meeting “{{.Title}}” starts {{when .Start}}.

If you cannot come after all, please say so in the app so that someone else can have the place.`},
		MeetingPromoted: {`You have a place: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

a place has become free at the group meeting “{{.Title}}” {{when .Start}}. You were on the waiting list and are now in.

If you can no longer come, please say so in the app.`},
		MeetingPromotedNeutral: {`You have a place at the group meeting`,
			`Hello,

a place has become free for you at the group meeting {{when .Start}}.

If you can no longer come, please say so in the app.`},
		MeetingCancelled: {`Meeting cancelled: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

the group meeting “{{.Title}}” {{when .Start}} will not take place.{{with .Reason}}

The note says: {{.}}{{end}}`},
		MeetingMoved: {`New time: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

the group meeting “{{.Title}}” has been moved. It now starts {{when .Start}}.

If you cannot come at the new time, please cancel in the app.`},
		MeetingMovedNeutral: {`Group meeting moved`,
			`Hello,

your group meeting has been moved. It now starts {{when .Start}}.`},
		MeetingCancelledNeutral: {`Group meeting cancelled`,
			`Hello,

your group meeting {{when .Start}} will not take place. You will find more in the app.`},
		MeetingReminderNeutral: {`Reminder: group meeting`,
			`Hello,

your group meeting starts {{when .Start}}.

If you cannot come after all, please say so in the app.`},
		ShiftReminder: {`Reminder: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

your shift “{{.Title}}” starts {{when .Start}}.

If you cannot come, please cancel in the app so that someone else can take the place.`},
		Promoted: {`You have a place: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

a place has become free for “{{.Title}}”{{if not .Start.IsZero}} ({{when .Start}}){{end}}. You were on the waiting list and are now signed up.

If you can no longer come, please cancel in the app.`},
		OpportunityCancelled: {`Cancelled: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

“{{.Title}}” will not take place. Your signup is therefore closed; there is nothing you need to do.{{with .Reason}}

The organisation writes: {{.}}{{end}}`},
		CoordinatorDigest: {`Open places in the next 14 days: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

“{{.Title}}” still has open places in the next 14 days:
{{range .Items}}
- {{.Title}}, {{when .Start}}: {{.Free}} of {{.Capacity}} free{{end}}

In the app you will find suitable volunteers for each shift whom you can invite.`},
		ShiftChanged: {`New time: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

the shift of “{{.Title}}” you signed up for has changed. It now starts {{when .Start}}.

Your signup stands. If you cannot come at the new time, please cancel in the app so that someone else can take the place.`},
		ShiftCancelled: {`Shift cancelled: {{.Title}}`,
			`Hello{{with .Name}} {{.}}{{end}},

the shift{{if not .Start.IsZero}} {{when .Start}}{{end}} for “{{.Title}}” will not take place. Your signup for it is therefore closed; there is nothing you need to do.{{with .Reason}}

The organisation writes: {{.}}{{end}}`},
	},
}

// neutralTexts replace a sensitive message's text in e-mail: an inbox may be shared, so it
// only says that something waits in the app.
var neutralTexts = map[account.Locale][2]string{
	account.LocaleDE: {"Neue Nachricht bei Mitwirken",
		"Guten Tag,\n\nin Mitwirken wartet eine neue Nachricht auf Sie. Öffnen Sie die App, um sie zu lesen."},
	account.LocaleEN: {"New message on Mitwirken",
		"Hello,\n\na new message is waiting for you on Mitwirken. Open the app to read it."},
}

var (
	weekdaysDE = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	monthsDE   = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
		"Oktober", "November", "Dezember"}
	zonesDE = map[string]string{"CET": "MEZ", "CEST": "MESZ"}
)

// When formats a moment in its own time zone, in the locale's words: "am Samstag,
// 4. Mai 2030, um 16:00 Uhr (MESZ)" or "on Saturday, 4 May 2030, at 16:00 (CEST)".
func When(t time.Time, loc account.Locale) string {
	zone, _ := t.Zone()
	if loc == account.LocaleEN {
		return fmt.Sprintf("on %s, %d %s %d, at %s (%s)", t.Weekday(), t.Day(), t.Month(), t.Year(), t.Format("15:04"), zone)
	}
	if z, ok := zonesDE[zone]; ok {
		zone = z
	}
	return fmt.Sprintf("am %s, %d. %s %d, um %s Uhr (%s)", weekdaysDE[t.Weekday()], t.Day(), monthsDE[t.Month()-1],
		t.Year(), t.Format("15:04"), zone)
}

// Day formats the calendar day of t in German time: "4. Mai 2030" or "4 May 2030". A
// validity that ends at midnight names the last day it counts.
func Day(t time.Time, loc account.Locale) string {
	d := t.In(berlin).Add(-time.Nanosecond)
	if loc == account.LocaleEN {
		return fmt.Sprintf("%d %s %d", d.Day(), d.Month(), d.Year())
	}
	return fmt.Sprintf("%d. %s %d", d.Day(), monthsDE[d.Month()-1], d.Year())
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}()

type compiled struct{ title, body *template.Template }

var templates = func() map[account.Locale]map[Kind]compiled {
	out := map[account.Locale]map[Kind]compiled{}
	for loc, kinds := range texts {
		funcs := template.FuncMap{"when": func(t time.Time) string { return When(t, loc) },
			"day":        func(t time.Time) string { return Day(t, loc) },
			"credential": func(kind string) string { return opportunity.CredentialLabel(kind, loc != account.LocaleEN) }}
		out[loc] = map[Kind]compiled{}
		for kind, tt := range kinds {
			out[loc][kind] = compiled{
				title: template.Must(template.New(string(kind) + ".title").Funcs(funcs).Option("missingkey=error").Parse(tt[0])),
				body:  template.Must(template.New(string(kind) + ".body").Funcs(funcs).Option("missingkey=error").Parse(tt[1])),
			}
		}
	}
	return out
}()

// localeOf picks the locale the texts exist in: German unless the user reads English.
func localeOf(l account.Locale) account.Locale {
	if l == account.LocaleEN {
		return l
	}
	return account.LocaleDE
}

// Render fills the kind's texts in the locale.
func Render(kind Kind, loc account.Locale, d Data) (title, body string, err error) {
	c, ok := templates[localeOf(loc)][kind]
	if !ok {
		return "", "", fmt.Errorf("notify: no text for %s", kind)
	}
	var t, b strings.Builder
	if err := c.title.Execute(&t, d); err != nil {
		return "", "", fmt.Errorf("notify: render %s: %w", kind, err)
	}
	if err := c.body.Execute(&b, d); err != nil {
		return "", "", fmt.Errorf("notify: render %s: %w", kind, err)
	}
	// A title is one line, whatever a coordinator typed.
	return strings.Join(strings.Fields(t.String()), " "), b.String(), nil
}

// Neutral returns the neutral e-mail text for a sensitive message.
func Neutral(loc account.Locale) (title, body string) {
	t := neutralTexts[localeOf(loc)]
	return t[0], t[1]
}
