package stats

// Complementary suppression.
//
// Every linear relation the statistics expose between cells is a sum over consecutive days:
// a week or a month is the sum of its days (for the additive measures), and active = new +
// returning in every bucket. Written with prefix sums S (S(i) = sum of days before day i), a
// cell over days [a, b] is S(b+1) − S(a): an edge between two nodes of a graph. For the
// volunteers of bucket B, a node Q_B = S(a) − returning_B makes the three cells a triangle:
// new = S(b+1) − S(a), active = S(b+1) − Q_B, returning = S(a) − Q_B.
//
// A linear combination of edge values is determined by the shown ones exactly when it lies in
// the span of the shown edges' incidence vectors; for a single edge (u, v) that holds if and
// only if u and v are connected by shown edges. So a suppressed cell is derivable iff a path
// of shown cells joins its ends, and protecting it means cutting every such path: suppress
// the smallest shown cell on one path, and repeat until no suppressed cell has one.
//
// The same holds for totals that are no cell: the days between any two connected boundaries
// (a week minus its shown days, say). Such a total must not be a small group either: between
// one and k−1 people (for hours: logged by one to k−1 volunteers). A total of zero names no
// one and may be derivable.

// edge is one cell of a relation graph.
type edge struct {
	u, v       int
	value      float64
	suppressed bool
}

// graph is the cells of one measure of one organisation. Nodes 0..days are the day
// boundaries (node i before day i); further nodes belong to the volunteer triangles.
type graph struct {
	nodes int
	days  int
	edges []*edge
	// sensitive reports, for day boundaries u < v, whether the days between them hold a total
	// that must not be derivable: some people, but fewer than k. more is false when no later v
	// can be sensitive (the total only grows with v).
	sensitive func(u, v int) (small, more bool)
}

// fewBetween judges the totals of a count by its prefix sums.
func fewBetween(prefix []float64, k float64) func(u, v int) (bool, bool) {
	return func(u, v int) (bool, bool) {
		d := prefix[v] - prefix[u]
		return d > 0 && d < k, d < k
	}
}

// hoursOfFew judges sums of hours by how many volunteers logged them: the union of the days'
// sets, built up as v grows (fewDerivable asks for v = u+1, u+2, … in order).
func hoursOfFew(volunteers func(day int) []string, k int) func(u, v int) (bool, bool) {
	seen := map[string]bool{}
	return func(u, v int) (bool, bool) {
		if v == u+1 {
			clear(seen)
		}
		for _, key := range volunteers(v - 1) {
			seen[key] = true
		}
		return len(seen) > 0 && len(seen) < k, len(seen) < k
	}
}

func (g *graph) add(u, v int, value float64, suppressed bool) *edge {
	e := &edge{u: u, v: v, value: value, suppressed: suppressed}
	g.edges = append(g.edges, e)
	return e
}

// protect suppresses shown cells until no suppressed cell can be derived from the shown ones.
// Choices are deterministic, so the same data always give the same pattern.
func (g *graph) protect() {
	for {
		dsu := newDSU(g.nodes)
		for _, e := range g.edges {
			if !e.suppressed {
				dsu.union(e.u, e.v)
			}
		}
		var exposed *edge
		for _, e := range g.edges {
			if e.suppressed && dsu.find(e.u) == dsu.find(e.v) {
				exposed = e
				break
			}
		}
		u, v := -1, -1
		if exposed != nil {
			u, v = exposed.u, exposed.v
		} else if u, v = g.fewDerivable(dsu); u < 0 {
			return
		}
		path := g.shownPath(u, v)
		cut := path[0]
		for _, e := range path[1:] {
			if e.value < cut.value {
				cut = e
			}
		}
		cut.suppressed = true
	}
}

// fewDerivable finds two day boundaries joined by shown cells (so the total of the days
// between them can be worked out, although it is no cell) whose total is sensitive, or -1.
func (g *graph) fewDerivable(dsu dsu) (int, int) {
	if g.sensitive == nil {
		return -1, -1
	}
	for u := 0; u < g.days; u++ {
		for v := u + 1; v <= g.days; v++ {
			small, more := g.sensitive(u, v)
			if small && dsu.find(u) == dsu.find(v) {
				return u, v
			}
			if !more {
				break
			}
		}
	}
	return -1, -1
}

// shownPath returns the shown edges of a shortest path from u to v (which must be connected).
func (g *graph) shownPath(u, v int) []*edge {
	adj := make([][]*edge, g.nodes)
	for _, e := range g.edges {
		if !e.suppressed {
			adj[e.u] = append(adj[e.u], e)
			adj[e.v] = append(adj[e.v], e)
		}
	}
	via := make([]*edge, g.nodes)
	seen := make([]bool, g.nodes)
	seen[u] = true
	queue := []int{u}
	for len(queue) > 0 && !seen[v] {
		n := queue[0]
		queue = queue[1:]
		for _, e := range adj[n] {
			m := e.u + e.v - n
			if !seen[m] {
				seen[m], via[m] = true, e
				queue = append(queue, m)
			}
		}
	}
	var path []*edge
	for n := v; n != u; {
		e := via[n]
		path = append(path, e)
		n = e.u + e.v - n
	}
	return path
}

type dsu []int

func newDSU(n int) dsu {
	d := make(dsu, n)
	for i := range d {
		d[i] = i
	}
	return d
}

func (d dsu) find(x int) int {
	for d[x] != x {
		d[x] = d[d[x]]
		x = d[x]
	}
	return x
}

func (d dsu) union(a, b int) { d[d.find(a)] = d.find(b) }
