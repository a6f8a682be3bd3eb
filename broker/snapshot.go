package broker

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is a kind of object a snapshot holds.
type Kind uint8

// The kinds of object, in the order snapshots list them.
const (
	KindExchanges Kind = iota
	KindQueues
	KindBindings
	KindConnections
	KindChannels
	KindConsumers
	KindPolicies
	numKinds
)

var kindNames = [numKinds]string{"exchanges", "queues", "bindings", "connections", "channels", "consumers", "policies"}

// String names the kind as the management API's paths do.
func (k Kind) String() string { return kindNames[k] }

// Kinds is a set of kinds.
type Kinds uint16

// Sets of kinds: every one, and what routing needs.
const (
	AllKinds      Kinds = 1<<numKinds - 1
	TopologyKinds Kinds = 1<<KindExchanges | 1<<KindQueues | 1<<KindBindings | 1<<KindPolicies
)

// Has reports whether k is in the set.
func (ks Kinds) Has(k Kind) bool { return ks&(1<<k) != 0 }

// With returns the set with k added.
func (ks Kinds) With(k Kind) Kinds { return ks | 1<<k }

// SnapshotOptions say what a snapshot holds.
type SnapshotOptions struct {
	// Vhost is the one vhost to look at; "" looks at all.
	Vhost string
	// Kinds are the kinds to fetch; 0 means AllKinds.
	Kinds Kinds
	// Stats fetches the counters rates are computed from; without it
	// the cheapest list modes are used (see ListOptions).
	Stats bool
	// PageSize is the page size of paginated lists; 0 means 500.
	PageSize int
	// Parallel bounds the requests in flight; 0 means 4.
	Parallel int
	// AllVhosts lists every vhost in Snapshot.Vhosts even when Vhost
	// names one, so that a view of one vhost can still offer the others
	// (the vhost list is cheap; the objects of other vhosts are not).
	AllVhosts bool
}

// Snapshot is the broker's objects at one moment: of one vhost, or of
// all. Each list is sorted by identity (vhost, then name; see the Key
// methods). Lists of kinds not fetched are nil and Kinds says which were.
type Snapshot struct {
	Vhost    string // "" for all vhosts
	Kinds    Kinds
	Stats    bool
	Overview Overview
	// Vhosts lists the vhosts in view: the one, or all.
	Vhosts      []VhostInfo
	Exchanges   []Exchange
	Queues      []Queue
	Bindings    []Binding
	Connections []Connection
	Channels    []Channel
	Consumers   []Consumer
	Policies    []Policy

	// Taken is when each kind's list arrived, and TotalsTaken when the
	// overview and vhosts did; rates divide by the difference.
	Taken       [numKinds]time.Time
	TotalsTaken time.Time
	// At is when the snapshot was complete, Took how long it took.
	At   time.Time
	Took time.Duration
	// Notes say what the broker could not give, like stats that are
	// disabled on the node.
	Notes []string
}

// Totals returns the message counters of the snapshot's scope: the vhost's,
// or the whole broker's.
func (s *Snapshot) Totals() Counters {
	if s.Vhost == "" {
		return s.Overview.Stats
	}
	for _, v := range s.Vhosts {
		if v.Name == s.Vhost {
			return v.Stats
		}
	}
	return Counters{}
}

// Snapshot fetches the objects the options ask for, several requests at
// once. It fails as a whole when any list fails, so that a view never
// shows half a broker; kinds the node cannot give (channel stats when
// stats are disabled) are left empty with a note.
func (a *API) Snapshot(ctx context.Context, o SnapshotOptions) (*Snapshot, error) {
	start := time.Now()
	kinds := cmp.Or(o.Kinds, AllKinds)
	s := &Snapshot{Vhost: o.Vhost, Kinds: kinds, Stats: o.Stats}
	lo := ListOptions{PageSize: o.PageSize, Stats: o.Stats}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, cmp.Or(o.Parallel, 4))
	)
	run := func(fetch func() error) {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := fetch(); err != nil {
				mu.Lock()
				if first == nil {
					first = err
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	run(func() error { return a.snapshotTotals(ctx, s, o.AllVhosts) })
	fetches := [numKinds]func() error{
		KindExchanges:   func() (err error) { s.Exchanges, err = a.Exchanges(ctx, o.Vhost, lo); return },
		KindQueues:      func() (err error) { s.Queues, err = a.Queues(ctx, o.Vhost, lo); return },
		KindBindings:    func() (err error) { s.Bindings, err = a.Bindings(ctx, o.Vhost); return },
		KindConnections: func() (err error) { s.Connections, err = a.Connections(ctx, o.Vhost, lo); return },
		KindChannels:    func() (err error) { s.Channels, err = a.Channels(ctx, o.Vhost, lo); return },
		KindConsumers:   func() (err error) { s.Consumers, err = a.Consumers(ctx, o.Vhost); return },
		KindPolicies:    func() (err error) { s.Policies, err = a.Policies(ctx, o.Vhost); return },
	}
	for k := range numKinds {
		if !kinds.Has(k) {
			continue
		}
		run(func() error {
			err := fetches[k]()
			if statsDisabled(err) {
				mu.Lock()
				s.Notes = append(s.Notes, k.String()+": stats are disabled on this node, so it does not list them")
				mu.Unlock()
				err = nil
			}
			s.Taken[k] = time.Now()
			return err
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	if o.Vhost != "" && errors.Is(first, ErrNotFound) && !errors.Is(first, ErrVhostNotFound) {
		// Whichever list answered first, a 404 for a vhost's list is
		// the vhost missing (deleted while we looked, or never there).
		first = vhostNotFound(a.ep.URL, o.Vhost, first)
	}
	if first != nil {
		return nil, first
	}
	s.sortAll()
	s.At = time.Now()
	s.Took = s.At.Sub(start)
	slices.Sort(s.Notes)
	return s, nil
}

// snapshotTotals fetches the overview and the vhosts in view, or all of
// them.
func (a *API) snapshotTotals(ctx context.Context, s *Snapshot, all bool) error {
	ov, err := a.Overview(ctx)
	if err != nil {
		return err
	}
	s.Overview = *ov
	switch {
	case s.Vhost == "":
		s.Vhosts, err = a.Vhosts(ctx)
	case all:
		if s.Vhosts, err = a.Vhosts(ctx); err == nil && !slices.ContainsFunc(s.Vhosts, func(v VhostInfo) bool { return v.Name == s.Vhost }) {
			err = vhostNotFound(a.ep.URL, s.Vhost, ErrNotFound)
		}
	default:
		var v *VhostInfo
		if v, err = a.Vhost(ctx, s.Vhost); err == nil {
			s.Vhosts = []VhostInfo{*v}
		} else if errors.Is(err, ErrNotFound) {
			err = vhostNotFound(a.ep.URL, s.Vhost, err)
		}
	}
	s.TotalsTaken = time.Now()
	return err
}

// vhostNotFound is the error for a vhost the broker does not have.
func vhostNotFound(api, vhost string, cause error) error {
	return &Error{
		Kind: ErrVhostNotFound, Service: ServiceAPI, Op: "cannot list vhost " + strconv.Quote(vhost), Target: api,
		Reason: "vhost not found", Fix: "choose one that exists with --vhost", Err: cause,
	}
}

// statsDisabled reports whether err is a node refusing a list because its
// stats are off (management.disable_stats).
func statsDisabled(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(ae.Reason), "stats") && strings.Contains(strings.ToLower(ae.Reason), "disabled")
}

// sortAll sorts every list by identity and drops duplicates, which
// pagination can produce when objects come and go between pages.
func (s *Snapshot) sortAll() {
	s.Exchanges = sortByKey(s.Exchanges, Exchange.Key, ObjectKey.Compare)
	s.Queues = sortByKey(s.Queues, Queue.Key, ObjectKey.Compare)
	s.Bindings = sortByKey(s.Bindings, Binding.Key, BindingKey.Compare)
	s.Connections = sortByKey(s.Connections, Connection.Key, ObjectKey.Compare)
	s.Channels = sortByKey(s.Channels, Channel.Key, ObjectKey.Compare)
	s.Consumers = sortByKey(s.Consumers, Consumer.Key, ConsumerKey.Compare)
	s.Policies = sortByKey(s.Policies, Policy.Key, PolicyKey.Compare)
	slices.SortFunc(s.Vhosts, func(a, b VhostInfo) int { return strings.Compare(a.Name, b.Name) })
}

func sortByKey[T any, K any](xs []T, key func(T) K, compare func(K, K) int) []T {
	slices.SortStableFunc(xs, func(a, b T) int { return compare(key(a), key(b)) })
	return slices.CompactFunc(xs, func(a, b T) bool { return compare(key(a), key(b)) == 0 })
}
