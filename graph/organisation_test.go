package graph_test

import (
	"encoding/json"
	"slices"
	"testing"
)

const createOrgMutation = `mutation Create($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { organisation { id name description myRole members { user { id displayName } role } } }
}`

const addMemberMutation = `mutation Add($org: ID!, $email: String!, $role: OrganisationRole!) {
  addOrganisationMember(organisationId: $org, email: $email, role: $role) { organisation { id members { user { id } role } } }
}`

const orgQuery = `query Org($id: ID!) { organisation(id: $id) { id name myRole members { user { id displayName email } role } } }`

type orgView struct {
	ID      string
	Name    string
	MyRole  *string
	Members []struct {
		User struct {
			ID          string
			DisplayName string
			Email       *string
		}
		Role string
	}
}

func (a *api) createOrg(t testing.TB, token, name string) orgView {
	t.Helper()
	var out struct {
		CreateOrganisation struct{ Organisation orgView }
	}
	a.As(token).Do(t, createOrgMutation, map[string]any{"input": map[string]any{"name": name, "description": "Hilfe vor Ort"}}).OK(t, &out)
	return out.CreateOrganisation.Organisation
}

func TestOrganisationStaffAndIsolation(t *testing.T) {
	a := newAPI(t)
	adminA := a.register(t, "admin-a@example.org", "Admin A")
	adminB := a.register(t, "admin-b@example.org", "Admin B")
	coord := a.register(t, "coord@example.org", "Coordinator")
	outsider := a.register(t, "out@example.org", "Outsider")

	orgA := a.createOrg(t, adminA.AccessToken, "Tafel Nord")
	if orgA.MyRole == nil || *orgA.MyRole != "ADMIN" || len(orgA.Members) != 1 {
		t.Fatalf("new organisation = %+v, want the creator as only ADMIN", orgA)
	}
	orgB := a.createOrg(t, adminB.AccessToken, "Kleiderkammer Süd")

	a.As(adminA.AccessToken).Do(t, addMemberMutation, map[string]any{"org": orgA.ID, "email": "COORD@example.org", "role": "COORDINATOR"}).OK(t, nil)

	// A member sees the staff, with names but without other people's e-mail addresses.
	var got struct{ Organisation orgView }
	a.As(coord.AccessToken).Do(t, orgQuery, map[string]any{"id": orgA.ID}).OK(t, &got)
	if got.Organisation.MyRole == nil || *got.Organisation.MyRole != "COORDINATOR" || len(got.Organisation.Members) != 2 {
		t.Fatalf("organisation as coordinator = %+v", got.Organisation)
	}
	for _, m := range got.Organisation.Members {
		if m.User.ID != coord.User.ID && m.User.Email != nil {
			t.Fatalf("coordinator sees %s's e-mail", m.User.DisplayName)
		}
	}

	// Org A's coordinator reads org B: the public record, but not its members.
	resp := a.As(coord.AccessToken).Do(t, orgQuery, map[string]any{"id": orgB.ID})
	resp.Fails(t, "FORBIDDEN", "")
	var partial struct{ Organisation *orgView }
	_ = json.Unmarshal(resp.Data, &partial)
	if partial.Organisation == nil || partial.Organisation.Name != "Kleiderkammer Süd" || partial.Organisation.Members != nil {
		t.Fatalf("foreign organisation = %+v, want public fields and no members", partial.Organisation)
	}
	a.Do(t, orgQuery, map[string]any{"id": orgB.ID}).Fails(t, "UNAUTHENTICATED", "")

	// Writes to org B by anyone but its admin change nothing.
	for _, tok := range []string{coord.AccessToken, adminA.AccessToken, outsider.AccessToken} {
		a.As(tok).Do(t, addMemberMutation, map[string]any{"org": orgB.ID, "email": "out@example.org", "role": "ADMIN"}).Fails(t, "FORBIDDEN", "")
	}
	// A coordinator cannot manage staff either.
	a.As(coord.AccessToken).Do(t, addMemberMutation, map[string]any{"org": orgA.ID, "email": "out@example.org", "role": "ADMIN"}).Fails(t, "FORBIDDEN", "")
	a.As(adminB.AccessToken).Do(t, orgQuery, map[string]any{"id": orgB.ID}).OK(t, &got)
	if len(got.Organisation.Members) != 1 || got.Organisation.Members[0].User.ID != adminB.User.ID {
		t.Fatalf("org B members = %+v, want only its admin", got.Organisation.Members)
	}

	// Memberships of the caller.
	var me struct {
		Me struct {
			Memberships []struct {
				Organisation struct{ ID string }
				Role         string
			}
		}
	}
	a.As(coord.AccessToken).Do(t, `{ me { memberships { organisation { id } role } } }`, nil).OK(t, &me)
	if len(me.Me.Memberships) != 1 || me.Me.Memberships[0].Organisation.ID != orgA.ID || me.Me.Memberships[0].Role != "COORDINATOR" {
		t.Fatalf("memberships = %+v", me.Me.Memberships)
	}
}

func TestOrganisationKeepsAnAdmin(t *testing.T) {
	a := newAPI(t)
	admin := a.register(t, "ida@example.org", "Ida")
	other := a.register(t, "jo@example.org", "Jo")
	org := a.createOrg(t, admin.AccessToken, "Nachbarschaftshilfe")
	as := a.As(admin.AccessToken)

	as.Do(t, addMemberMutation, map[string]any{"org": org.ID, "email": "ida@example.org", "role": "COORDINATOR"}).Fails(t, "CONFLICT", "role")
	as.Do(t, `mutation($o: ID!, $u: ID!) { removeOrganisationMember(organisationId: $o, userId: $u) { organisation { id } } }`,
		map[string]any{"o": org.ID, "u": admin.User.ID}).Fails(t, "CONFLICT", "userId")

	// With a second admin, the first may step down.
	as.Do(t, addMemberMutation, map[string]any{"org": org.ID, "email": "jo@example.org", "role": "ADMIN"}).OK(t, nil)
	as.Do(t, addMemberMutation, map[string]any{"org": org.ID, "email": "ida@example.org", "role": "COORDINATOR"}).OK(t, nil)
	var got struct{ Organisation orgView }
	a.As(other.AccessToken).Do(t, orgQuery, map[string]any{"id": org.ID}).OK(t, &got)
	roles := map[string]string{}
	for _, m := range got.Organisation.Members {
		roles[m.User.ID] = m.Role
	}
	if roles[admin.User.ID] != "COORDINATOR" || roles[other.User.ID] != "ADMIN" {
		t.Fatalf("roles = %v", roles)
	}
}

func TestOrganisationBadInput(t *testing.T) {
	a := newAPI(t)
	admin := a.register(t, "kai@example.org", "Kai")
	org := a.createOrg(t, admin.AccessToken, "Sportverein")
	as := a.As(admin.AccessToken)
	tests := []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"empty name", createOrgMutation, map[string]any{"input": map[string]any{"name": " "}}, "BAD_USER_INPUT", "input.name"},
		{"one-letter name", createOrgMutation, map[string]any{"input": map[string]any{"name": "X"}}, "BAD_USER_INPUT", "input.name"},
		{"long name", createOrgMutation, map[string]any{"input": map[string]any{"name": string(make([]byte, 121))}}, "BAD_USER_INPUT", "input.name"},
		{"bad contact", createOrgMutation, map[string]any{"input": map[string]any{"name": "Verein", "contactEmail": "nope"}}, "BAD_USER_INPUT", "input.contactEmail"},
		{"unknown role", addMemberMutation, map[string]any{"org": org.ID, "email": "kai@example.org", "role": "OWNER"}, "BAD_USER_INPUT", "role"},
		{"malformed member e-mail", addMemberMutation, map[string]any{"org": org.ID, "email": "kai", "role": "ADMIN"}, "BAD_USER_INPUT", "email"},
		{"unregistered member", addMemberMutation, map[string]any{"org": org.ID, "email": "new@example.org", "role": "COORDINATOR"}, "NOT_FOUND", "email"},
		{"unknown organisation", addMemberMutation, map[string]any{"org": "000000000000000000000000", "email": "kai@example.org", "role": "ADMIN"}, "NOT_FOUND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as.Do(t, tt.query, tt.vars).Fails(t, tt.code, tt.field)
		})
	}
	a.Do(t, createOrgMutation, map[string]any{"input": map[string]any{"name": "Anonym e.V."}}).Fails(t, "UNAUTHENTICATED", "")

	var me struct {
		Me struct {
			Memberships []struct{ Organisation struct{ Name string } }
		}
	}
	as.Do(t, `{ me { memberships { organisation { name } } } }`, nil).OK(t, &me)
	names := []string{}
	for _, m := range me.Me.Memberships {
		names = append(names, m.Organisation.Name)
	}
	if !slices.Equal(names, []string{"Sportverein"}) {
		t.Fatalf("organisations after bad input = %v, want only Sportverein", names)
	}
	var none struct{ Organisation *orgView }
	as.Do(t, orgQuery, map[string]any{"id": "000000000000000000000000"}).OK(t, &none)
	if none.Organisation != nil {
		t.Fatal("unknown organisation is not null")
	}
}
