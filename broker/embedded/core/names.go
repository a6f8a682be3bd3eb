package core

import (
	"crypto/rand"
	"encoding/base64"
)

// genName returns prefix + "-" + 22 URL-safe base64 characters of 128
// random bits, as rabbit_guid:binary(rabbit_guid:gen_secure(), Prefix)
// names server-named queues ("amq.gen-…") and consumer tags
// ("amq.ctag-…").
func genName(prefix string) string {
	return prefix + "-" + genKey()
}

// genKey returns 22 URL-safe base64 characters of 128 random bits.
func genKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}
