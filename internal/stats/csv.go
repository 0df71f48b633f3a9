package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// columns are the CSV columns, in English and German.
var columns = []struct{ en, de string }{
	{"period", "Zeitraum"},
	{"start", "Beginn"},
	{"end", "Ende"},
	{"active volunteers", "Aktive Freiwillige"},
	{"new volunteers", "Neue Freiwillige"},
	{"returning volunteers", "Wiederkehrende Freiwillige"},
	{"signups", "Anmeldungen"},
	{"attendances", "Teilnahmen"},
	{"no-shows", "Nicht erschienen"},
	{"group meeting attendance", "Teilnahmen an Gruppentreffen"},
	{"training completions", "Abgeschlossene Schulungen"},
	{"filled places", "Besetzte Plätze"},
	{"offered places", "Angebotene Plätze"},
	{"confirmed hours", "Bestätigte Stunden"},
	{"fill rate", "Besetzungsquote"},
	{"no-show rate", "Quote nicht erschienen"},
}

// WriteCSV writes the table with a header row in German or English. A suppressed figure is
// an empty field: it may stand for any value, also one of k or more that was withheld so that
// a smaller one cannot be derived.
func WriteCSV(w io.Writer, t Table, german bool) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.en
		if german {
			header[i] = c.de
		}
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("stats: write csv: %w", err)
	}
	for _, r := range t.Rows {
		rec := []string{r.Period, r.Start.String(), r.End.String()}
		for _, c := range []Cell{r.ActiveVolunteers, r.NewVolunteers, r.ReturningVolunteers, r.Signups, r.Attendances,
			r.NoShows, r.MeetingAttendance, r.TrainingCompletions, r.FilledPlaces, r.OfferedPlaces} {
			rec = append(rec, countField(c))
		}
		rec = append(rec, numberField(r.ConfirmedHours, 1), numberField(r.FillRate, 3), numberField(r.NoShowRate, 3))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("stats: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("stats: write csv: %w", err)
	}
	return nil
}

func countField(c Cell) string {
	if n := c.Count(); n != nil {
		return strconv.Itoa(*n)
	}
	return ""
}

// numberField writes a decimal point in both languages, so that spreadsheets and scripts read
// the file alike.
func numberField(c Cell, digits int) string {
	if v := c.Amount(); v != nil {
		return strconv.FormatFloat(*v, 'f', digits, 64)
	}
	return ""
}
