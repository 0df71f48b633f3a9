package group

import (
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// maxOccurrences bounds one expansion: a daily rule over the longest horizon stays below it.
const maxOccurrences = 400

// parseRule reads an RFC 5545 RRULE (with or without the "RRULE:" prefix) for occurrences
// starting at start, on the wall clock of start's location: "every second Tuesday at 19:00"
// stays at 19:00 across daylight-saving changes. DTSTART comes from start, not the text, and
// rules more frequent than daily are refused.
func parseRule(field, text string, start time.Time) (*rrule.RRule, string, error) {
	s := strings.TrimSpace(text)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "RRULE:"), "rrule:")
	switch {
	case s == "":
		return nil, "", errs.InvalidField(field, "give a recurrence rule such as FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
	case len(s) > MaxRuleBytes:
		return nil, "", errs.InvalidField(field, "a recurrence rule can be at most %d characters", MaxRuleBytes)
	case strings.ContainsAny(s, "\r\n") || strings.Contains(strings.ToUpper(s), "DTSTART"):
		return nil, "", errs.InvalidField(field, "give only the RRULE; the start comes from startsAt")
	}
	opt, err := rrule.StrToROption(s)
	if err != nil {
		return nil, "", errs.InvalidField(field, "not a valid RFC 5545 recurrence rule: %s", ruleMessage(err))
	}
	if opt.Freq > rrule.DAILY {
		return nil, "", errs.InvalidField(field, "meetings can recur at most daily")
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, "", errs.InvalidField(field, "not a valid RFC 5545 recurrence rule: %s", ruleMessage(err))
	}
	return r, strings.ToUpper(s), nil
}

// ruleMessage keeps the parser's explanation short and free of anything but the rule.
func ruleMessage(err error) string {
	m := err.Error()
	if len(m) > 120 {
		m = m[:120]
	}
	return m
}

// occurrences returns the rule's starts in [from, to), at most maxOccurrences.
func occurrences(r *rrule.RRule, from, to time.Time) []time.Time {
	var out []time.Time
	it := r.Iterator()
	for {
		t, ok := it()
		if !ok || !t.Before(to) || len(out) == maxOccurrences {
			return out
		}
		if !t.Before(from) {
			out = append(out, t)
		}
	}
}
