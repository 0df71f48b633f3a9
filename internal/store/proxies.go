package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/privacy"
)

const collProxies = "proxies"

func init() {
	indexes[collProxies] = append(indexes[collProxies],
		indexModel(bson.D{{Key: "organisationId", Value: 1}}, "organisation"),
		indexModel(bson.D{{Key: "codeHash", Value: 1}}, "code"))
}

// proxyDoc is keyed by the user's ID: a person has at most one organisation acting for them.
type proxyDoc struct {
	UserID         string    `bson:"_id"`
	OrganisationID string    `bson:"organisationId"`
	Phone          string    `bson:"phone"`
	RegisteredBy   string    `bson:"registeredBy"`
	RegisteredAt   time.Time `bson:"registeredAt"`
	CodeHash       string    `bson:"codeHash,omitempty"`
}

func (d *proxyDoc) proxy() privacy.Proxy {
	return privacy.Proxy{UserID: d.UserID, OrganisationID: d.OrganisationID, Phone: d.Phone, RegisteredBy: d.RegisteredBy,
		RegisteredAt: d.RegisteredAt, CodeHash: d.CodeHash}
}

// Proxies keeps the people staff act for.
type Proxies struct{ s *Store }

// Proxies returns the proxy repository.
func (s *Store) Proxies() *Proxies { return &Proxies{s: s} }

var _ privacy.ProxyStore = (*Proxies)(nil)

// InsertProxy stores a proxy.
func (r *Proxies) InsertProxy(ctx context.Context, p privacy.Proxy) error {
	d := proxyDoc{UserID: p.UserID, OrganisationID: p.OrganisationID, Phone: p.Phone, RegisteredBy: p.RegisteredBy,
		RegisteredAt: p.RegisteredAt.UTC(), CodeHash: p.CodeHash}
	if _, err := r.s.coll(collProxies).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: insert proxy: %w", err)
	}
	return nil
}

// Proxy returns errs.ErrNotFound for a user nobody acts for.
func (r *Proxies) Proxy(ctx context.Context, userID string) (privacy.Proxy, error) {
	d, err := findOne[proxyDoc](ctx, r.s, collProxies, userID)
	if err != nil {
		return privacy.Proxy{}, err
	}
	return d.proxy(), nil
}

// ProxyByCode finds the proxy whose takeover code has the hash.
func (r *Proxies) ProxyByCode(ctx context.Context, codeHash string) (privacy.Proxy, error) {
	var d proxyDoc
	if err := r.s.coll(collProxies).FindOne(ctx, bson.D{{Key: "codeHash", Value: codeHash}}).Decode(&d); err != nil {
		return privacy.Proxy{}, fmt.Errorf("store: proxy by code: %w", notFound(err))
	}
	return d.proxy(), nil
}

// ProxiesOf lists the people an organisation acts for.
func (r *Proxies) ProxiesOf(ctx context.Context, orgID string) ([]privacy.Proxy, error) {
	docs, err := findAll[proxyDoc](ctx, r.s, collProxies, bson.D{{Key: "organisationId", Value: orgID}})
	if err != nil {
		return nil, err
	}
	out := make([]privacy.Proxy, len(docs))
	for i := range docs {
		out[i] = docs[i].proxy()
	}
	return out, nil
}

// DeleteProxy removes a proxy after the person took the account over.
func (r *Proxies) DeleteProxy(ctx context.Context, userID string) error {
	if _, err := r.s.coll(collProxies).DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return fmt.Errorf("store: delete proxy: %w", err)
	}
	return nil
}
