package broker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EnvURL is the environment variable that names a broker when no flag or
// context does.
const EnvURL = "KAITEN_URL"

// File is kaiten's config file, $XDG_CONFIG_HOME/kaiten/config.yaml:
//
//	current-context: lab          # used when neither --context nor --url is given
//	contexts:
//	  lab:
//	    url: amqp://guest:guest@127.0.0.1:5672/
//	  prod:
//	    url: amqps://ops:secret@rabbit.example.com/
//	    api-url: https://rabbit.example.com:15671
//	    vhost: nova
//	    ca-file: ~/certs/ca.pem   # relative paths are from the config file's directory
//	    cert-file: ~/certs/me.pem
//	    key-file: ~/certs/me.key
//	    server-name: rabbit.internal
//	    read-only: true
type File struct {
	CurrentContext string             `yaml:"current-context"`
	Contexts       map[string]Context `yaml:"contexts"`

	// Path is where the file was read from.
	Path string `yaml:"-"`
}

// Context is one named broker of the config file.
type Context struct {
	URL        string `yaml:"url"`
	APIURL     string `yaml:"api-url"`
	Vhost      string `yaml:"vhost"`
	TLSOptions `yaml:",inline"`
	ReadOnly   bool `yaml:"read-only"`
}

// String describes the context without its passwords.
func (c Context) String() string {
	return Config{URL: c.URL, APIURL: c.APIURL, Vhost: c.Vhost, TLS: c.TLSOptions, ReadOnly: c.ReadOnly}.Redacted()
}

// GoString is the redacted form for %#v.
func (c Context) GoString() string { return "broker.Context(" + strconv.Quote(c.String()) + ")" }

// String lists the file's contexts without their passwords.
func (f *File) String() string {
	var b strings.Builder
	b.WriteString("kaiten config " + f.Path + ":")
	for _, n := range f.Names() {
		b.WriteString(" " + strconv.Quote(n) + " (" + f.Contexts[n].String() + ")")
	}
	return b.String()
}

// GoString is String for %#v.
func (f *File) GoString() string { return "broker.File(" + strconv.Quote(f.String()) + ")" }

// Names returns the context names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Contexts))
	for n := range f.Contexts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ConfigPath returns where the config file lives: $XDG_CONFIG_HOME/kaiten/
// config.yaml, else ~/.config/kaiten/config.yaml. getenv is os.Getenv but
// for tests.
func ConfigPath(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "kaiten", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", configErr("cannot find the config file: neither XDG_CONFIG_HOME nor HOME is set")
	}
	return filepath.Join(home, ".config", "kaiten", "config.yaml"), nil
}

// LoadFile reads a config file. A file that does not exist is an empty
// one. Unknown keys are errors, so that a misspelt "read-only" does not
// silently allow changes.
func LoadFile(path string) (*File, error) {
	f := &File{Path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, configErr("cannot read the config file: %v", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		// yaml quotes offending values in backquotes; a value can be a URL
		// with a password, so none is repeated.
		msg := yamlValue.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "a value")
		return nil, configErr("config file %s: %s", path, msg)
	}
	f.Path = path
	for name, c := range f.Contexts {
		c.TLSOptions = c.resolvePaths(filepath.Dir(path), homeDir())
		f.Contexts[name] = c
	}
	return f, nil
}

var yamlValue = regexp.MustCompile("`[^`]*`")

// resolvePaths makes the file names absolute: "~/" is the home directory
// and a relative name is relative to dir.
func (o TLSOptions) resolvePaths(dir, home string) TLSOptions {
	fix := func(p string) string {
		switch {
		case p == "":
			return p
		case (p == "~" || strings.HasPrefix(p, "~/")) && home != "":
			return filepath.Join(home, p[1:])
		case !filepath.IsAbs(p):
			return filepath.Join(dir, p)
		}
		return p
	}
	o.CAFile, o.CertFile, o.KeyFile = fix(o.CAFile), fix(o.CertFile), fix(o.KeyFile)
	return o
}

func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// Selection is what the command line asks for: --context, --url,
// --api-url, --vhost, TLS file flags and --read-only.
type Selection struct {
	Context  string
	URL      string
	APIURL   string
	Vhost    string
	TLS      TLSOptions
	ReadOnly bool
}

// Resolve chooses the broker to use, in this order: --url; --context;
// KAITEN_URL; the file's current-context. The flags --api-url, --vhost,
// the TLS flags and --read-only then apply over whichever was chosen (a
// context's read-only cannot be turned off from the command line).
// With none of these, it returns ErrNotConfigured: the caller starts the
// embedded broker. getenv is os.Getenv but for tests.
func Resolve(sel Selection, getenv func(string) string) (Config, error) {
	var cfg Config
	var file *File
	loadFile := func() (*File, error) {
		if file != nil {
			return file, nil
		}
		path, err := ConfigPath(getenv)
		if err != nil {
			return nil, err
		}
		file, err = LoadFile(path)
		return file, err
	}
	useContext := func(name string) error {
		f, err := loadFile()
		if err != nil {
			return err
		}
		c, ok := f.Contexts[name]
		if !ok {
			return unknownContext(name, f)
		}
		cfg = Config{Context: name, URL: c.URL, APIURL: c.APIURL, Vhost: c.Vhost, TLS: c.TLSOptions, ReadOnly: c.ReadOnly}
		if c.URL == "" && sel.URL == "" {
			return configErr("context %q in %s has no url", name, f.Path)
		}
		return nil
	}
	switch {
	case sel.URL != "" && sel.Context == "":
		cfg.URL = sel.URL
	case sel.Context != "":
		if err := useContext(sel.Context); err != nil {
			return Config{}, err
		}
	case getenv(EnvURL) != "":
		cfg.URL = getenv(EnvURL)
	default:
		f, err := loadFile()
		if err != nil {
			return Config{}, err
		}
		if f.CurrentContext == "" {
			return Config{}, ErrNotConfigured
		}
		if err := useContext(f.CurrentContext); err != nil {
			return Config{}, fmt.Errorf("current-context: %w", err)
		}
	}
	if sel.URL != "" {
		cfg.URL = sel.URL
	}
	if sel.APIURL != "" {
		cfg.APIURL = sel.APIURL
	}
	if sel.Vhost != "" {
		cfg.Vhost = sel.Vhost
	}
	cfg.TLS = cfg.TLS.over(sel.TLS)
	cfg.ReadOnly = cfg.ReadOnly || sel.ReadOnly
	if _, err := cfg.Endpoints(); err != nil {
		if cfg.Context != "" {
			return Config{}, fmt.Errorf("context %q: %w", cfg.Context, err)
		}
		return Config{}, err
	}
	return cfg, nil
}

func unknownContext(name string, f *File) error {
	if len(f.Contexts) == 0 {
		return configErr("no context %q: %s defines no contexts", name, f.Path)
	}
	quoted := make([]string, 0, len(f.Contexts))
	for _, n := range f.Names() {
		quoted = append(quoted, strconv.Quote(n))
	}
	return configErr("no context %q in %s; it has %s", name, f.Path, strings.Join(quoted, ", "))
}
