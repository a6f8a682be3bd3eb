package mgmt

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
)

// hashingAlgorithm is RabbitMQ's default password hashing.
const hashingAlgorithm = "rabbit_password_hashing_sha256"

// passwordHash is a password as RabbitMQ stores it: base64 of a 4-byte
// salt and SHA-256(salt ‖ password). /api/users and definitions exports
// show it, never the password; importing the export into RabbitMQ keeps
// the user's password working.
func passwordHash(password string) string {
	salt := make([]byte, 4)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append(slices.Clone(salt), password...))
	return base64.StdEncoding.EncodeToString(append(salt, sum[:]...))
}

// userJSON is a user as /api/users lists it.
func userJSON(a *account) obj {
	return obj{
		"name": a.Name, "password_hash": a.hash, "hashing_algorithm": hashingAlgorithm,
		"tags": slices.Clone(a.Tags), "limits": obj{},
	}
}

// accounts returns the users, by name.
func (h *handler) accounts() []*account {
	out := make([]*account, 0, len(h.users))
	for _, a := range h.users {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *account) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func getUsers(h *handler, rq *request) error {
	items := []obj{}
	for _, a := range h.accounts() {
		items = append(items, userJSON(a))
	}
	return rq.reply(items)
}

func getUser(h *handler, rq *request) error {
	a := h.users[rq.arg(0)]
	if a == nil {
		return errNotFound()
	}
	return rq.reply(userJSON(a))
}

func getWhoami(_ *handler, rq *request) error {
	return rq.reply(obj{"name": rq.user.Name, "tags": slices.Clone(rq.user.Tags)})
}

// Permissions are not enforced: every user may do everything. A user of
// the options has ".*" everywhere unless a PUT (or an import) recorded
// otherwise; permissions of other users are recorded as given.

func permissionJSON(vhost, user string, p permission) obj {
	return obj{"user": user, "vhost": vhost, "configure": p.Configure, "write": p.Write, "read": p.Read}
}

// permissions lists the permissions of a vhost (or all) and a user (or
// all), by vhost and user.
func (h *handler) permissions(vhost, user string) []obj {
	all := permission{".*", ".*", ".*"}
	h.st.mu.Lock()
	recorded := make(map[[2]string]permission, len(h.st.perms))
	for k, p := range h.st.perms {
		recorded[k] = p
	}
	h.st.mu.Unlock()
	for _, v := range h.b.Vhosts() {
		for name := range h.users {
			if _, ok := recorded[[2]string{v, name}]; !ok {
				recorded[[2]string{v, name}] = all
			}
		}
	}
	keys := make([][2]string, 0, len(recorded))
	for k := range recorded {
		if (vhost == "" || k[0] == vhost) && (user == "" || k[1] == user) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	out := make([]obj, len(keys))
	for i, k := range keys {
		out[i] = permissionJSON(k[0], k[1], recorded[k])
	}
	return out
}

func getPermissions(h *handler, rq *request) error { return rq.reply(h.permissions("", "")) }

func getVhostPermissions(h *handler, rq *request) error {
	if _, err := h.vhost(rq.arg(0)); err != nil {
		return err
	}
	return rq.reply(h.permissions(rq.arg(0), ""))
}

func getUserPermissions(h *handler, rq *request) error {
	if h.users[rq.arg(0)] == nil {
		return errNotFound()
	}
	return rq.reply(h.permissions("", rq.arg(0)))
}

func getPermission(h *handler, rq *request) error {
	if ps := h.permissions(rq.arg(0), rq.arg(1)); len(ps) > 0 {
		return rq.reply(ps[0])
	}
	return errNotFound()
}

func putPermission(h *handler, rq *request) error {
	if _, err := h.vhostFor(rq.arg(0)); err != nil {
		return err
	}
	body, err := rq.body()
	if err != nil {
		return err
	}
	if err := missingKeys(body, "configure", "write", "read"); err != nil {
		return err
	}
	var p permission
	for _, f := range []struct {
		key string
		dst *string
	}{{"configure", &p.Configure}, {"write", &p.Write}, {"read", &p.Read}} {
		if *f.dst, err = stringField(body, f.key, ""); err != nil {
			return err
		}
	}
	return rq.done(h.recordPermission(rq.arg(0), rq.arg(1), p))
}

// recordPermission records a permission; it reports whether it is new.
func (h *handler) recordPermission(vhost, user string, p permission) bool {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	k := [2]string{vhost, user}
	_, existed := h.st.perms[k]
	h.st.perms[k] = p
	return !existed
}

func deletePermission(h *handler, rq *request) error {
	k := [2]string{rq.arg(0), rq.arg(1)}
	h.st.mu.Lock()
	_, ok := h.st.perms[k]
	delete(h.st.perms, k)
	h.st.mu.Unlock()
	if !ok && h.users[rq.arg(1)] == nil {
		return errNotFound()
	}
	return rq.done(false)
}
