package broker

import (
	"errors"
	"slices"
	"testing"
)

// TestSnapshotAllVhosts: a snapshot of one vhost with AllVhosts lists
// every vhost but holds only that vhost's objects; a vhost that is gone
// is an ErrVhostNotFound either way.
func TestSnapshotAllVhosts(t *testing.T) {
	forEachTarget(t, func(t *testing.T, r *liveRabbit) {
		one, other := r.vhost(t, "kaiten-one-"), r.vhost(t, "kaiten-other-")
		s := r.open(t, one)
		snap, err := s.Snapshot(testCtx(t), SnapshotOptions{Vhost: one, AllVhosts: true})
		must(t, err)
		var names []string
		for _, v := range snap.Vhosts {
			names = append(names, v.Name)
		}
		if !slices.Contains(names, one) || !slices.Contains(names, other) {
			t.Errorf("vhosts %q: want both %q and %q", names, one, other)
		}
		for _, x := range snap.Exchanges {
			if x.Vhost != one {
				t.Fatalf("exchange %q of vhost %q in a snapshot of %q", x.Name, x.Vhost, one)
			}
		}
		for _, all := range []bool{false, true} {
			_, err = s.Snapshot(testCtx(t), SnapshotOptions{Vhost: "kaiten-no-such-vhost", AllVhosts: all})
			if !errors.Is(err, ErrVhostNotFound) {
				t.Errorf("AllVhosts %v, a vhost that does not exist: %v", all, err)
			}
		}
	})
}
