// Command benchgen writes the benchmark topology as a RabbitMQ definitions
// file and a JSON Lines file of probes, for measuring `kaiten trace --batch`
// end to end:
//
//	go run ./internal/benchtopo/benchgen -out /tmp/kaiten-bench -probes 1000000
//	kaiten trace --definitions /tmp/kaiten-bench/definitions.json --batch \
//	    < /tmp/kaiten-bench/probes.jsonl > /dev/null
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kaiten-bus/kaiten/internal/benchtopo"
	"github.com/kaiten-bus/kaiten/model"
)

func main() {
	out := flag.String("out", "kaiten-bench", "directory to write definitions.json and probes.jsonl into")
	probes := flag.Int("probes", 1_000_000, "how many probes to write")
	flag.Parse()
	if err := write(*out, *probes); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func write(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	v := benchtopo.Vhost(benchtopo.Full)
	defs := model.Definitions{RabbitMQVersion: "3.10.8", Vhosts: []model.Vhost{v}}
	data, err := json.Marshal(&defs)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "definitions.json"), data, 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "probes.jsonl"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, m := range benchtopo.Probes(benchtopo.Full, n) {
		if err := enc.Encode(map[string]string{"exchange": m.Exchange, "routing_key": m.RoutingKey}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
