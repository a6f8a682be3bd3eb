package demo

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kaiten-bus/kaiten/model"
)

// rng is a seeded source of randomness shared by the goroutines of one
// simulated process: which call to make, which host, how long a method
// takes, and the uuids in messages and queue names. Each process has its
// own, seeded from the demo's seed, so a seed replays the same choices.
type rng struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newRNG(seed, stream uint64) *rng {
	return &rng{r: rand.New(rand.NewPCG(seed, stream))}
}

// Read fills p with random bytes; it never fails, so it can feed model's
// id builders.
func (g *rng) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var buf [8]byte
	for i := 0; i < len(p); i += 8 {
		binary.LittleEndian.PutUint64(buf[:], g.r.Uint64())
		copy(p[i:], buf[:])
	}
	return len(p), nil
}

func (g *rng) float() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.r.Float64()
}

// intn returns a number in [0, n).
func (g *rng) intn(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.r.IntN(n)
}

// chance reports true with probability p.
func (g *rng) chance(p float64) bool { return g.float() < p }

// between returns a duration in [lo, hi).
func (g *rng) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.float()*float64(hi-lo))
}

// pick returns one of items at random.
func pick[T any](g *rng, items []T) T { return items[g.intn(len(items))] }

// id returns a uuid4 in 32 hex digits, as uuid.uuid4().hex.
func (g *rng) id() string {
	id, _ := model.NewOsloID(g) // g.Read never fails
	return id
}

// uuid returns a uuid4 with dashes, as str(uuid.uuid4()).
func (g *rng) uuid() string {
	id, _ := model.NewOsloUUID(g)
	return id
}
