package opportunity

import "time"

// The rules of opportunity input are shared with self-help groups, which take the same kinds
// of category, languages, mode, link and time zone.

// CleanCategory lower-cases a category and checks its form.
func CleanCategory(field, raw string) (string, error) { return cleanCategory(field, raw) }

// CleanLanguages checks two-letter language codes.
func CleanLanguages(field string, raw []string) ([]string, error) { return cleanLanguages(field, raw) }

// ValidMode checks a mode.
func ValidMode(field string, m Mode) error { return validMode(field, m) }

// CleanOnlineURL checks an https link; empty stays empty.
func CleanOnlineURL(field, raw string) (string, error) { return cleanOnlineURL(field, raw) }

// LoadZone resolves an IANA time-zone name; empty means DefaultTimeZone.
func LoadZone(field, name string) (string, *time.Location, error) { return loadZone(field, name) }
