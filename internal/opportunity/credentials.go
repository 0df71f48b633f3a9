package opportunity

import (
	"strings"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// CredentialKind checks and normalises one credential kind, e.g. CERTIFICATE_OF_CONDUCT; the
// training domain records the same kinds that opportunities require.
func CredentialKind(field, raw string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(raw))
	if !credentialPattern.MatchString(s) {
		return "", errs.InvalidField(field, "use a credential kind such as CERTIFICATE_OF_CONDUCT")
	}
	return s, nil
}

var credentialNames = map[string][2]string{
	"CERTIFICATE_OF_CONDUCT": {"erweitertes Führungszeugnis", "extended certificate of conduct"},
	"FIRST_AID":              {"Erste-Hilfe-Nachweis", "first-aid certificate"},
	"DRIVING_LICENCE":        {"Führerschein", "driving licence"},
}

// CredentialLabel names a credential kind for people; unknown kinds read as lower-case words.
func CredentialLabel(kind string, german bool) string {
	if n, ok := credentialNames[kind]; ok {
		if german {
			return n[0]
		}
		return n[1]
	}
	return strings.ToLower(strings.ReplaceAll(kind, "_", " "))
}
