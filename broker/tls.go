package broker

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// TLSOptions are the TLS settings of an amqps:// connection, also used
// for an https:// management API.
type TLSOptions struct {
	// CAFile is a PEM file of the CAs that may sign the broker's
	// certificate; empty trusts the system's roots.
	CAFile string `yaml:"ca-file"`
	// CertFile and KeyFile are the client certificate and its key, PEM,
	// for brokers that ask for one (and for EXTERNAL authentication).
	CertFile string `yaml:"cert-file"`
	KeyFile  string `yaml:"key-file"`
	// ServerName is the name the broker's certificate must carry, when it
	// is not the host of the URL.
	ServerName string `yaml:"server-name"`
	// InsecureSkipVerify accepts any certificate. Only set when asked for
	// by this name (or RabbitMQ's verify=verify_none).
	InsecureSkipVerify bool `yaml:"insecure-skip-verify"`
}

// IsZero reports whether no TLS option is set.
func (o TLSOptions) IsZero() bool { return o == TLSOptions{} }

// over returns o with every option that p sets taken from p.
func (o TLSOptions) over(p TLSOptions) TLSOptions {
	pick := func(a, b string) string {
		if b != "" {
			return b
		}
		return a
	}
	o.CAFile = pick(o.CAFile, p.CAFile)
	o.CertFile = pick(o.CertFile, p.CertFile)
	o.KeyFile = pick(o.KeyFile, p.KeyFile)
	o.ServerName = pick(o.ServerName, p.ServerName)
	o.InsecureSkipVerify = o.InsecureSkipVerify || p.InsecureSkipVerify
	return o
}

// Config builds the tls.Config for a connection to host. The files are
// read now, so that a missing or bad file is reported before dialling.
func (o TLSOptions) Config(host string) (*tls.Config, error) {
	c := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         host,
		InsecureSkipVerify: o.InsecureSkipVerify, //nolint:gosec // only when asked for by name
	}
	if o.ServerName != "" {
		c.ServerName = o.ServerName
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, configErr("cannot read the CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, configErr("CA file %s holds no PEM certificate", o.CAFile)
		}
		c.RootCAs = pool
	}
	switch {
	case o.CertFile != "" && o.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, configErr("cannot load the client certificate %s with key %s: %v", o.CertFile, o.KeyFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	case o.CertFile != "":
		return nil, configErr("client certificate %s given without its key: set key-file (keyfile= in the URL)", o.CertFile)
	case o.KeyFile != "":
		return nil, configErr("client key %s given without its certificate: set cert-file (certfile= in the URL)", o.KeyFile)
	}
	return c, nil
}

// ConfigError is a connection setting that cannot be used: a bad URL, a
// TLS file that cannot be read, an unknown context.
type ConfigError struct{ Problem string }

// Error says which setting is wrong.
func (e *ConfigError) Error() string { return e.Problem }

// Is makes errors.Is(err, ErrConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

func configErr(format string, args ...any) error {
	return &ConfigError{Problem: fmt.Sprintf(format, args...)}
}
