package main

import (
	"bytes"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
)

// The soft memory limit of a process that runs the embedded broker.
//
// The broker holds its queued messages in the Go heap, and with the default
// GOGC=100 the runtime lets the heap grow to twice what is live before it
// collects: a broker holding 3 GB of messages may reach for 6 GB, and be
// killed for it in a container or on a small machine. So, unless
// GOMEMLIMIT is set (the runtime applies it itself, and it wins), `kaiten
// broker` and the TUI's embedded broker set the runtime's soft memory limit
// (runtime/debug.SetMemoryLimit) to memoryLimitShare of the memory the
// process may use: the smallest cgroup limit found (a container's), else
// the machine's RAM. Below the limit nothing changes; near it the collector
// runs more often instead of growing the heap (the runtime caps that at
// about half the CPU), so the process stays inside its memory. GOMEMLIMIT=off
// turns it off. The library (broker/embedded) sets nothing process-wide:
// this is the commands' choice.
const memoryLimitShare = 0.9

// applyMemoryLimit sets the soft memory limit as described above and
// returns it, with what it is a share of ("cgroup limit", "RAM"); 0 when
// it set none.
func applyMemoryLimit() (limit int64, of string) {
	limit, of = softMemoryLimit(os.Getenv, os.ReadFile)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit, of
}

// softMemoryLimit works out the limit from the environment and the files
// of /proc and /sys/fs/cgroup, read with readFile.
func softMemoryLimit(getenv func(string) string, readFile func(string) ([]byte, error)) (int64, string) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, ""
	}
	var avail int64
	var of string
	if data, err := readFile("/proc/meminfo"); err == nil {
		if n := memTotal(data); n > 0 {
			avail, of = n, "RAM"
		}
	}
	cgroups, _ := readFile("/proc/self/cgroup")
	for _, file := range cgroupLimitFiles(cgroups) {
		data, err := readFile(file)
		if err != nil {
			continue
		}
		if n, ok := cgroupLimit(data); ok && (avail == 0 || n < avail) {
			avail, of = n, "cgroup limit"
		}
	}
	if avail <= 0 {
		return 0, ""
	}
	return int64(float64(avail) * memoryLimitShare), of
}

// memTotal reads MemTotal from /proc/meminfo, in bytes, or 0.
func memTotal(meminfo []byte) int64 {
	for line := range strings.Lines(string(meminfo)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil || kb <= 0 {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// cgroupLimitFiles lists the files that may hold the process's memory
// limit: cgroup v2's memory.max and v1's memory.limit_in_bytes, at the
// mount's root (a container's own cgroup) and at the process's cgroup path
// from /proc/self/cgroup.
func cgroupLimitFiles(procSelfCgroup []byte) []string {
	files := []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}
	for line := range strings.Lines(string(procSelfCgroup)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "/") || parts[2] == "/" {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			files = append(files, path.Join("/sys/fs/cgroup", parts[2], "memory.max"))
		case strings.Contains(","+parts[1]+",", ",memory,"):
			files = append(files, path.Join("/sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes"))
		}
	}
	return files
}

// cgroupLimit reads a memory.max or memory.limit_in_bytes; "max" and v1's
// huge "unlimited" are no limit.
func cgroupLimit(data []byte) (int64, bool) {
	s := string(bytes.TrimSpace(data))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0, false
	}
	return n, true
}
